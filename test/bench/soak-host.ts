// The soak benchmark's tests module: runs INSIDE the real VS Code extension host (extensionTestsPath,
// bundled by soak.bench.ts to dist-test/soak.js). It pushes imagine jobs through the extension's own
// engine facade against the demo simulator at time scale 0.01, samples the heap every 100 finished
// jobs, then measures how long the persisted history takes to load. It prints figures (lines starting
// with "SOAK") and one machine-readable "MJ_SOAK {json}" line; it asserts nothing about speed.
import * as vscode from 'vscode';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadJobRecords, JOBS_KEY } from '../../src/core/jobs/persistence';
import { JobStore } from '../../src/core/jobs/store';
import type { JobRecord } from '../../src/core/jobs/model';
import type { KeyValueStore } from '../../src/core/ports';
import type { MidjourneyTestApi } from '../../src/extension';

const EXTENSION_ID = 'mj-studio.midjourney-studio';
const JOBS = Number(process.env.MJ_SOAK_JOBS ?? 2000);
const TIME_SCALE = Number(process.env.MJ_SOAK_TIME_SCALE ?? 0.01);
/** The whole run must end well inside the outer harness's timeout: a stuck soak stops and says so. */
const BUDGET_MS = Number(process.env.MJ_SOAK_BUDGET_MS ?? 9 * 60_000);
const SAMPLE_EVERY = 100;
/** Extra channels added through configureAccount: the demo simulator has one channel of 3 slots. */
const EXTRA_CHANNELS = Number(process.env.MJ_SOAK_EXTRA_CHANNELS ?? 3);
const CHANNEL_SLOTS = 12;
/** Downloads render JPEGs in this same process (the demo simulator is in-process): off unless asked. */
const DOWNLOAD = process.env.MJ_SOAK_DOWNLOAD === '1';
/** `poll` or `stream` (the midjourney.jobUpdates setting); unset = the default. */
const JOB_UPDATES = process.env.MJ_SOAK_JOB_UPDATES;

interface HeapSample {
  jobs: number;
  heapMB: number;
  seconds: number;
}

export interface SoakResult {
  jobs: number;
  completedJobs: number;
  states: Record<string, number>;
  aborted: boolean;
  forcedGc: boolean;
  capacity: number;
  samples: HeapSample[];
  growthMBPer1000: number | undefined;
  reload: { ms: number; records: number } | undefined;
  load: { ms: number; records: number; bytes: number } | undefined;
  /** Heap (MB) after the run, after the reload (history trimmed to what was persisted), after the simulator forgot its jobs. */
  heapBreakdown: { afterRun: number; recordsInMemory: number; withoutEngine: number; afterReload: number; afterSimulatorReset: number } | undefined;
  elapsedSeconds: number;
  jobsPerSecond: number;
  simulator: { acceptedJobs: number; duplicateReplyRefs: number; imaginePosts: number };
}

const say = (line: string): void => console.log(`SOAK ${line}`);

/** A forced GC: `global.gc` if the host was started with --expose-gc, else V8's flag set at run time. */
function findGc(): (() => void) | undefined {
  const existing: unknown = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === 'function') return existing as () => void;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/** Least-squares slope of y over x. */
function slope(points: readonly { x: number; y: number }[]): number | undefined {
  if (points.length < 2) return undefined;
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? undefined : num / den;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The engine facade's `invalidate` (EngineHost): not on JobEngineApi, so found at run time. */
function invalidator(engine: unknown): (() => Promise<void>) | undefined {
  if (typeof engine !== 'object' || engine === null || !('invalidate' in engine)) return undefined;
  const invalidate = engine.invalidate;
  return typeof invalidate === 'function' ? () => (invalidate as () => Promise<void>).call(engine) : undefined;
}

/** A fake Discord token of the right shape (the simulator wants >= 50 chars of [A-Za-z0-9._-]). */
function fakeDiscordToken(n: number): string {
  return `MTE${String(n).padStart(21, '0')}.SoakBn.${'s'.repeat(38)}`;
}

export async function run(): Promise<void> {
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;
  const api = await vscode.extensions.getExtension<MidjourneyTestApi>(EXTENSION_ID)!.activate();
  const config = vscode.workspace.getConfiguration('midjourney');
  await config.update('download.auto', DOWNLOAD, vscode.ConfigurationTarget.Global);
  // How jobs are followed: the user's default (poll every pollIntervalSeconds) unless asked for stream.
  if (JOB_UPDATES) await config.update('jobUpdates', JOB_UPDATES, vscode.ConfigurationTarget.Global);
  const now = vscode.workspace.getConfiguration('midjourney'); // a fresh read: `config` is a snapshot
  const updates = `jobUpdates ${now.get<string>('jobUpdates') ?? '?'}, poll every ${now.get<number>('pollIntervalSeconds') ?? '?'} s`;
  await api.secrets.delete('useapi');
  await api.setSimulatorTimeScale(TIME_SCALE);
  const backend = await api.backend();
  if (backend.kind !== 'simulator' || !backend.simulator) throw new Error(`expected the demo simulator, got ${backend.kind}`);
  const simulator = backend.simulator;

  for (let n = 1; n <= EXTRA_CHANNELS; n++) {
    await api.engine.configureAccount({ discord: fakeDiscordToken(n), maxJobs: CHANNEL_SLOTS, maxImageJobs: CHANNEL_SLOTS });
  }
  const channels = await api.engine.refreshChannels();
  const capacity = channels.reduce((sum, c) => sum + Math.min(c.maxJobs, c.maxImageJobs), 0);
  say(`${JOBS} imagine jobs at time scale ${TIME_SCALE}; ${channels.length} channels, ${capacity} image slots (demo simulator: 1 channel of 3, +${EXTRA_CHANNELS} added with configureAccount); downloads ${DOWNLOAD ? 'on' : 'off'}; ${updates}`);

  const gc = findGc();
  const heapNow = (): number => {
    gc?.();
    gc?.();
    return process.memoryUsage().heapUsed / 2 ** 20;
  };
  say(gc ? 'heap sampled after a forced GC' : 'heap sampled WITHOUT a forced GC (global.gc unavailable): figures are noisy');

  const samples: HeapSample[] = [{ jobs: 0, heapMB: heapNow(), seconds: seconds() }];
  const states: Record<string, number> = {};
  const abort = new AbortController();
  const budget = setTimeout(() => abort.abort(new Error(`soak budget of ${BUDGET_MS / 1000} s spent`)), BUDGET_MS);
  const acceptedBefore = simulator.admin.counters().acceptedJobs;
  const loopStart = performance.now();
  let next = 0;
  let finished = 0;

  // A pool of workers keeps about twice the capacity in flight: the queue never runs dry and the
  // store grows by finished jobs, which is what the heap samples are about.
  const worker = async (): Promise<void> => {
    while (next < JOBS && !abort.signal.aborted) {
      const i = next++;
      const record = await api.engine.submit({ verb: 'imagine', prompt: `soak ${i}: a lighthouse on a cliff at dusk, storm clouds --ar 3:2` }, { priority: 'batch' });
      let done: JobRecord;
      try {
        done = await api.engine.waitFor(record.id, abort.signal);
      } catch {
        return; // the budget ran out
      }
      states[done.state] = (states[done.state] ?? 0) + 1;
      finished++;
      if (finished % SAMPLE_EVERY === 0) {
        const sample = { jobs: finished, heapMB: heapNow(), seconds: seconds() };
        samples.push(sample);
        say(`heap after ${String(sample.jobs).padStart(5)} jobs: ${sample.heapMB.toFixed(1)} MB (t=${sample.seconds.toFixed(1)} s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(4, capacity * 2) }, () => worker()));
  clearTimeout(budget);
  const loopSeconds = (performance.now() - loopStart) / 1000;
  const aborted = abort.signal.aborted;
  if (aborted) {
    say(`ABORTED: only ${finished} of ${JOBS} jobs finished within the ${BUDGET_MS / 1000} s budget; figures below are partial`);
    await api.engine.cancelQueue();
  }

  const fit = slope(samples.filter((s) => s.jobs > 200).map((s) => ({ x: s.jobs, y: s.heapMB })));
  const growthMBPer1000 = fit === undefined ? undefined : fit * 1000;
  const counters = simulator.admin.counters();

  // Store load, as after a window reload: drop the engine (it flushes the history to globalState)
  // and build it again, which loads the persisted records and reads the channels.
  let reload: SoakResult['reload'];
  let load: SoakResult['load'];
  let heapBreakdown: SoakResult['heapBreakdown'];
  const invalidate = invalidator(api.engine);
  if (invalidate) {
    const afterRun = heapNow();
    const recordsInMemory = api.engine.store.all().length;
    await invalidate();
    const withoutEngine = heapNow();
    const t0 = performance.now();
    await api.backend();
    const records = api.engine.store.all().length;
    reload = { ms: performance.now() - t0, records };
    const afterReload = heapNow();
    // The same persisted records, parsed and loaded into a fresh JobStore alone (median of 5).
    const text = JSON.stringify({ version: 1, records: api.engine.store.all() });
    const times: number[] = [];
    let loaded = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const value: unknown = JSON.parse(text);
      const kv: KeyValueStore = { get: <T>(key: string) => (key === JOBS_KEY ? (value as T) : undefined), set: async () => undefined, keys: () => [JOBS_KEY] };
      const store = new JobStore();
      store.upsert(...loadJobRecords(kv));
      loaded = store.all().length;
      times.push(performance.now() - t);
    }
    load = { ms: median(times), records: loaded, bytes: Buffer.byteLength(text) };
    // Where the growth lives: the engine's in-memory history (only the newest maxHistory finished jobs
    // come back after a reload) and the in-process demo simulator's own job table.
    simulator.admin.reset();
    heapBreakdown = { afterRun, recordsInMemory, withoutEngine, afterReload, afterSimulatorReset: heapNow() };
  }

  const result: SoakResult = {
    jobs: JOBS,
    completedJobs: finished,
    states,
    aborted,
    forcedGc: gc !== undefined,
    capacity,
    samples,
    growthMBPer1000,
    reload,
    load,
    heapBreakdown,
    elapsedSeconds: seconds(),
    jobsPerSecond: finished / loopSeconds,
    simulator: {
      acceptedJobs: counters.acceptedJobs - acceptedBefore,
      duplicateReplyRefs: counters.duplicateReplyRefs.length,
      imaginePosts: counters.requests['POST /jobs/imagine'] ?? 0,
    },
  };
  say(`finished: ${finished} of ${JOBS} (${Object.entries(states).map(([s, n]) => `${s} ${n}`).join(', ')}); simulator accepted ${result.simulator.acceptedJobs}, duplicate replyRefs ${result.simulator.duplicateReplyRefs}`);
  say(`heap growth: ${growthMBPer1000 === undefined ? 'n/a (too few samples)' : `${growthMBPer1000.toFixed(2)} MB per 1,000 jobs`} (linear fit over samples after the first 200 jobs${gc ? ', forced GC' : ', no forced GC'})`);
  if (reload) say(`store reload (engine rebuilt from globalState, incl. channel read): ${reload.ms.toFixed(1)} ms for ${reload.records} records`);
  if (load) say(`store load (JSON.parse + loadJobRecords + JobStore.upsert, median of 5): ${load.ms.toFixed(1)} ms for ${load.records} records, ${(load.bytes / 1024).toFixed(0)} KiB persisted`);
  if (heapBreakdown && reload) {
    const { afterRun, recordsInMemory, withoutEngine, afterReload, afterSimulatorReset } = heapBreakdown;
    say(`heap: ${afterRun.toFixed(1)} MB after the run (${recordsInMemory} jobs in the engine's memory) → ${withoutEngine.toFixed(1)} MB with the engine dropped → ${afterReload.toFixed(1)} MB after the reload (${reload.records} jobs) → ${afterSimulatorReset.toFixed(1)} MB once the in-process simulator forgot its ${result.simulator.acceptedJobs} jobs`);
  }
  if (!invalidate) say('store load: not measured (the engine facade has no invalidate())');
  say(`total: ${result.elapsedSeconds.toFixed(1)} s elapsed; ${result.jobsPerSecond.toFixed(1)} jobs/s over the job loop (${loopSeconds.toFixed(1)} s)`);
  console.log(`MJ_SOAK ${JSON.stringify(result)}`);
  await config.update('download.auto', undefined, vscode.ConfigurationTarget.Global);
  if (JOB_UPDATES) await config.update('jobUpdates', undefined, vscode.ConfigurationTarget.Global);
}
