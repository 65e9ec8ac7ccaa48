// Engine benchmark: 200 imagine prompts on the simulator at capacity 3 and 12, against a baseline that
// submits one job at a time and polls every 3 s (the Streamlit predecessor's way), time-scaled.
// Run: npx tsx test/bench/engine.bench.ts   (prints figures, asserts nothing, exits 0)
//
// The simulator runs in a child process so the engine's CPU time is measured alone.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ApiClient } from '../../src/core/api/client';
import { createJobEngine } from '../../src/core/jobs/engine';
import type { JobRecord } from '../../src/core/jobs/model';
import type { KeyValueStore } from '../../src/core/ports';

const N = 200;
const CAPACITIES = [3, 12];
/** 30.9 s median render → ~155 ms: the whole bench takes about a minute. */
const TIME_SCALE = 0.005;
const BASELINE_POLL_MS = 3000 * TIME_SCALE;
const TOKEN = 'user:1234-engineBenchToken00000';

class MemoryKeyValueStore implements KeyValueStore {
  private readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  async set(key: string, value: unknown): Promise<void> {
    this.values.set(key, value);
  }
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
}

/** Child mode: serve a simulator and print its origin. */
async function serve(maxJobs: number): Promise<void> {
  const { startSimulator } = await import('../../src/simulator');
  const sim = await startSimulator({ timeScale: TIME_SCALE, seed: 42, maxJobs, maxImageJobs: Math.min(maxJobs, 12), promoFooterRate: 0 });
  process.stdout.write(`${sim.url}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void sim.close().then(() => process.exit(0)));
}

async function startSimulatorProcess(maxJobs: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...process.execArgv, ...(process.execArgv.length === 0 ? ['--import', 'tsx'] : []), __filename, '--serve', String(maxJobs)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  return { url, child };
}

function stop(child: ChildProcess): void {
  child.stdin?.end();
}

interface Figures {
  makespanMs: number;
  meanJobMs: number;
  requests: number;
  busy: number;
  cpuMs: number;
  completed: number;
}

async function runEngine(url: string, capacity: number): Promise<Figures> {
  const engine = createJobEngine({
    apiBaseUrl: url,
    tokens: { getToken: async () => TOKEN },
    kv: new MemoryKeyValueStore(),
    options: {
      autoDownload: false,
      pollIntervalMs: 4000 * TIME_SCALE,
      maxPollIntervalMs: 30_000 * TIME_SCALE,
      deadlineMs: 15 * 60_000 * TIME_SCALE,
      backoffBaseMs: 5000 * TIME_SCALE,
      backoffMaxMs: 60_000 * TIME_SCALE,
      channelRefreshMs: 30_000 * TIME_SCALE,
      persistDelayMs: 500 * TIME_SCALE,
    },
  });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await engine.start(); // reads GET /accounts and GET /jobs: the limits are known before the first POST
  const { jobs } = await engine.submitBatch(Array.from({ length: N }, (_, i) => ({ request: { verb: 'imagine' as const, prompt: `bench prompt ${i} --ar 16:9` } })));
  const done: JobRecord[] = await Promise.all(jobs.map((j) => engine.waitFor(j.id)));
  const makespanMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const durations = done.filter((j) => j.finishedAt !== undefined && j.submittedAt !== undefined).map((j) => (j.finishedAt ?? 0) - (j.submittedAt ?? 0));
  const figures: Figures = {
    makespanMs,
    meanJobMs: durations.reduce((a, b) => a + b, 0) / Math.max(1, durations.length),
    requests: engine.client.requestCount,
    busy: engine.stats.busy,
    cpuMs: (cpu.user + cpu.system) / 1000,
    completed: done.filter((j) => j.state === 'completed').length,
  };
  await engine.dispose();
  void capacity;
  return figures;
}

/** One job at a time: POST stream:false, then GET every 3 s (scaled) until it ends. */
async function runBaseline(url: string): Promise<Figures> {
  const client = new ApiClient({ baseUrl: url, tokens: { getToken: async () => TOKEN } });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let completed = 0;
  let jobTotal = 0;
  for (let i = 0; i < N; i++) {
    const jobStarted = performance.now();
    let job = await client.submitJob({ verb: 'imagine', prompt: `bench prompt ${i} --ar 16:9` });
    while (!['completed', 'failed', 'moderated', 'cancelled'].includes(job.status)) {
      await new Promise((resolve) => setTimeout(resolve, BASELINE_POLL_MS));
      job = await client.getJob(job.jobid);
    }
    jobTotal += performance.now() - jobStarted;
    if (job.status === 'completed') completed++;
  }
  const makespanMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const figures: Figures = { makespanMs, meanJobMs: jobTotal / N, requests: client.requestCount, busy: 0, cpuMs: (cpu.user + cpu.system) / 1000, completed };
  await client.close();
  return figures;
}

const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  console.log(`engine bench: ${N} imagine prompts, simulator time scale ${TIME_SCALE} (30.9 s median render → ~${(30.9 * TIME_SCALE * 1000).toFixed(0)} ms)`);
  const baselineSim = await startSimulatorProcess(3);
  let baseline: Figures;
  try {
    baseline = await runBaseline(baselineSim.url);
  } finally {
    stop(baselineSim.child);
  }
  console.log(
    `baseline (one at a time, poll every ${BASELINE_POLL_MS.toFixed(0)} ms = 3 s scaled): makespan ${fmt(baseline.makespanMs)}, ` +
      `${(baseline.requests / N).toFixed(2)} requests/job, CPU ${(baseline.cpuMs / N).toFixed(2)} ms/job, completed ${baseline.completed}/${N}`,
  );
  for (const capacity of CAPACITIES) {
    const sim = await startSimulatorProcess(capacity);
    try {
      const f = await runEngine(sim.url, capacity);
      const ideal = Math.ceil(N / capacity) * f.meanJobMs;
      console.log(
        `capacity ${String(capacity).padStart(2)}: makespan ${fmt(f.makespanMs)}, ideal ceil(${N}/${capacity})×${f.meanJobMs.toFixed(0)} ms = ${fmt(ideal)}, ` +
          `efficiency ${(ideal / f.makespanMs).toFixed(3)} (target ≥ 0.95), ${(f.requests / N).toFixed(2)} HTTP requests/job (target ≤ 2), ` +
          `429s ${f.busy} (target 0), engine CPU ${(f.cpuMs / N).toFixed(2)} ms/job, completed ${f.completed}/${N}, ` +
          `speed-up vs baseline ×${(baseline.makespanMs / f.makespanMs).toFixed(1)}`,
      );
    } finally {
      stop(sim.child);
    }
  }
}

if (process.argv.includes('--serve')) {
  void serve(Number(process.argv[process.argv.indexOf('--serve') + 1]));
} else {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
