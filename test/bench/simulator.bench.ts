// Simulator overhead, so it never becomes the bottleneck of the engine benchmarks: requests/s on
// loopback (GET /jobs/{id}, POST imagine stream:false) and CPU time per job at time scale 0.01.
// Standalone: `npx tsx test/bench/simulator.bench.ts`. Prints figures; asserts nothing about time.
// Client and server share this process, so the CPU figures include the client's side of HTTP.
import { startSimulator, type RunningSimulator } from '../../src/simulator/index';

const TOKEN = 'user:1234-simulatorBenchToken0000';
const HEADERS = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
const JOBS = 200;

async function postImagine(sim: RunningSimulator, prompt: string, stream: boolean): Promise<string> {
  const response = await fetch(`${sim.url}/v3/midjourney/jobs/imagine`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ prompt, stream }) });
  if (!stream) {
    if (response.status !== 201) throw new Error(`POST imagine answered ${response.status}`);
    return ((await response.json()) as { jobid: string }).jobid;
  }
  if (response.status !== 200) throw new Error(`POST imagine (SSE) answered ${response.status}`);
  const text = await response.text(); // until the server closes after the terminal event
  if (!text.includes('"midjourney_completed"')) throw new Error('stream ended without completion');
  return '';
}

/** Run `task` with `concurrency` workers for `count` calls or until `maxMs`; returns calls per second. */
async function rate(count: number, concurrency: number, maxMs: number, task: (i: number) => Promise<void>): Promise<{ perSecond: number; done: number }> {
  let next = 0;
  let done = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count && performance.now() - started < maxMs) {
      await task(next++);
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { perSecond: done / ((performance.now() - started) / 1000), done };
}

async function waitIdle(sim: RunningSimulator, maxMs: number): Promise<void> {
  const started = performance.now();
  while (performance.now() - started < maxMs) {
    const listing = (await (await fetch(`${sim.url}/v3/midjourney/jobs`, { headers: HEADERS })).json()) as { total: number };
    if (listing.total === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('jobs did not finish in time');
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

async function main(): Promise<void> {
  // 20 channels × 12 image slots: 200 concurrent jobs fit without 429s.
  const sim = await startSimulator({ timeScale: 0.01, seed: 1, accounts: 20, maxJobs: 15, maxImageJobs: 12 });
  try {
    const benchStarted = performance.now();
    // Warm-up: JIT and keep-alive connections, so the figures below measure steady state.
    await rate(50, 10, 5_000, async (i) => {
      await postImagine(sim, `warm-up ${i}`, false);
    });
    await waitIdle(sim, 20_000);

    const posts = await rate(JOBS, 10, 15_000, async (i) => {
      await postImagine(sim, `bench prompt ${i} --ar 16:9`, false);
    });
    console.log(`simulator: ${Math.round(posts.perSecond)} req/s POST /jobs/imagine stream:false (${posts.done} requests, 10 concurrent)`);
    await waitIdle(sim, 20_000);

    const jobid = await postImagine(sim, 'the job we poll', false);
    const gets = await rate(20_000, 20, 5_000, async () => {
      const response = await fetch(`${sim.url}/v3/midjourney/jobs/${jobid}`, { headers: HEADERS });
      await response.arrayBuffer();
    });
    console.log(`simulator: ${Math.round(gets.perSecond)} req/s GET /jobs/{id} (${gets.done} requests, 20 concurrent)`);
    await waitIdle(sim, 20_000);

    let cpu = process.cpuUsage();
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++) ids.push(await postImagine(sim, `cpu prompt ${i}`, false));
    await waitIdle(sim, 20_000);
    console.log(`simulator: ${(cpuMs(cpu) / JOBS).toFixed(2)} ms CPU per job, stream:false, full imagine timeline (${JOBS} jobs, time scale 0.01)`);

    cpu = process.cpuUsage();
    await Promise.all(Array.from({ length: JOBS }, (_, i) => postImagine(sim, `sse prompt ${i}`, true)));
    console.log(`simulator: ${(cpuMs(cpu) / JOBS).toFixed(2)} ms CPU per job, SSE (~10 events each, ${JOBS} concurrent streams)`);

    cpu = process.cpuUsage();
    const first = await (await fetch(`${sim.url}/v3/midjourney/jobs/${ids[0]}`, { headers: HEADERS })).json() as { response: { imageUx: { url: string }[] } };
    for (const { url } of first.response.imageUx) {
      const response = await fetch(`${sim.url}/v1/proxy/cdn-midjourney/?cdnUrl=${encodeURIComponent(url)}`, { headers: HEADERS });
      await response.arrayBuffer();
    }
    console.log(`simulator: ${(cpuMs(cpu) / 4).toFixed(1)} ms CPU per single image, first download (JPEG encode, cached after)`);
    console.log(`simulator: bench took ${((performance.now() - benchStarted) / 1000).toFixed(1)} s`);
  } finally {
    await sim.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
