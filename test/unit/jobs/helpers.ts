// Test helpers for the engine: fakes for the ports only (KeyValueStore, Logger, TokenSource); the
// service is the real simulator over HTTP on 127.0.0.1.
import type { KeyValueStore, Logger } from '../../../src/core/ports';
import type { EngineAlert } from '../../../src/core/jobs/api';
import { createJobEngine } from '../../../src/core/jobs/engine';
import type { JobEngine, JobEngineOptions } from '../../../src/core/jobs/engine';
import type { JobRecord } from '../../../src/core/jobs/model';
import { startSimulator } from '../../../src/simulator';
import type { RunningSimulator, SimulatorOptions } from '../../../src/simulator';

export const TEST_TOKEN = 'user:1234-engineTestToken00000';

export class MemoryKeyValueStore implements KeyValueStore {
  readonly values = new Map<string, unknown>();
  writes = 0;
  get<T>(key: string): T | undefined {
    const value = this.values.get(key);
    return value === undefined ? undefined : (structuredClone(value) as T);
  }
  async set(key: string, value: unknown): Promise<void> {
    this.writes++;
    this.values.set(key, structuredClone(value));
  }
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
}

export class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  trace = (m: string): void => void this.lines.push(`trace ${m}`);
  debug = (m: string): void => void this.lines.push(`debug ${m}`);
  info = (m: string): void => void this.lines.push(`info ${m}`);
  warn = (m: string): void => void this.lines.push(`warn ${m}`);
  error = (m: string | Error): void => void this.lines.push(`error ${m instanceof Error ? m.message : m}`);
}

/** Engine timings scaled like the simulator at 0.01 (a 30 s render takes ~0.3 s). */
export function scaledOptions(scale = 0.01): JobEngineOptions {
  return {
    pollIntervalMs: Math.max(20, 4000 * scale),
    maxPollIntervalMs: Math.max(50, 30_000 * scale),
    deadlineMs: 15 * 60_000 * scale,
    backoffBaseMs: Math.max(10, 5000 * scale),
    backoffMaxMs: Math.max(50, 60_000 * scale),
    channelRefreshMs: Math.max(50, 30_000 * scale),
    persistDelayMs: 10,
    retryMinTimeoutMs: 10,
    requestTimeoutMs: 3000,
    autoDownload: false,
  };
}

export interface EngineHarness {
  sim: RunningSimulator;
  engine: JobEngine;
  kv: MemoryKeyValueStore;
  logger: RecordingLogger;
  alerts: EngineAlert[];
  newEngine(options?: JobEngineOptions): Promise<JobEngine>;
  close(): Promise<void>;
}

export async function startHarness(sim: SimulatorOptions = {}, options: JobEngineOptions = {}): Promise<EngineHarness> {
  const simulator = await startSimulator({ timeScale: 0.01, seed: 7, ...sim });
  const kv = new MemoryKeyValueStore();
  const logger = new RecordingLogger();
  const alerts: EngineAlert[] = [];
  const engines: JobEngine[] = [];
  const newEngine = async (extra: JobEngineOptions = {}): Promise<JobEngine> => {
    const engine = createJobEngine({
      apiBaseUrl: simulator.url,
      tokens: { getToken: async () => TEST_TOKEN },
      kv,
      logger,
      options: { ...scaledOptions(sim.timeScale ?? 0.01), ...options, ...extra },
    });
    engine.onAlert((a) => alerts.push(a));
    engines.push(engine);
    await engine.start();
    return engine;
  };
  const engine = await newEngine();
  return {
    sim: simulator,
    engine,
    kv,
    logger,
    alerts,
    newEngine,
    async close() {
      for (const e of engines) await e.dispose();
      await simulator.close();
    },
  };
}

export function imagine(prompt: string, channel?: string) {
  return { request: { verb: 'imagine' as const, prompt, ...(channel ? { channel } : {}) } };
}

/** Resolves when `predicate` holds for the engine's store (checked on every change). */
export function until(engine: JobEngine, predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (predicate()) {
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const subscription = engine.store.onDidChange(() => {
      if (predicate()) {
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      }
    });
  });
}

export async function waitAll(engine: JobEngine, jobs: readonly JobRecord[]): Promise<JobRecord[]> {
  return Promise.all(jobs.map((j) => engine.waitFor(j.id)));
}
