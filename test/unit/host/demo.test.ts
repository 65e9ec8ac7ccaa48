// The demo simulator in its own detached process (it must outlive a window reload): started once and
// remembered, reused by the next "window" (a new DemoSimulator on the same state), replaced when gone,
// stopped on request, idle exit, the in-process fallback, and the demo jobs lost with an earlier one.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BackendResolver, DEMO_RESTARTED_REASON, DEMO_SIMULATOR_STATE_KEY, DemoSimulator, loseJobsOfEarlierSimulator, probeSimulator,
  type DemoSimulatorOptions, type RememberedSimulator, type RunningSimulator, type SimulatorOptions, type StateStore,
} from '../../../src/host/demo';
import { readStudioConfig } from '../../../src/host/configModel';
import { JOBS_KEY } from '../../../src/core/jobs/persistence';
import type { JobRecord } from '../../../src/core/jobs/model';
import type { KeyValueStore, Logger } from '../../../src/core/ports';

const silent: Logger = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

class MemoryState implements StateStore {
  readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
  }
}

/** `mj-studio simulator <args>` from source, like dist/cli.js does in the extension. */
const fromSource = (args: string[]): { file: string; args: string[] } => ({
  file: process.execPath,
  args: ['--import', 'tsx', '-e', "require('./src/simulator/index.ts').runSimulatorCli(process.argv.slice(1))", '--', ...args],
});

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('host/demo: the detached demo simulator', function () {
  this.timeout(60_000);
  let dir: string;
  let state: MemoryState;
  let spawned: number;
  const pids: number[] = [];

  const options = (overrides: Partial<DemoSimulatorOptions> = {}): DemoSimulatorOptions => ({
    timeScale: 0.01,
    mode: 'detached',
    state,
    logFile: join(dir, 'sim.log'),
    idleExitSeconds: 600,
    command: (args) => {
      spawned++;
      return fromSource(args);
    },
    ...overrides,
  });
  const noInProcess = (): never => {
    throw new Error('the in-process simulator must not be used here');
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mj-demo-'));
    state = new MemoryState();
    spawned = 0;
  });
  afterEach(() => {
    for (const pid of pids.splice(0)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts once, is remembered, and a later window reuses it instead of starting another', async () => {
    const first = new DemoSimulator(silent, options(), noInProcess);
    const server = await first.start();
    assert.ok(server.pid);
    pids.push(server.pid);
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(server.inProcess, undefined);
    assert.equal(spawned, 1);
    assert.equal(first.takeFreshStart(), true, 'a new simulator: earlier demo jobs are gone');
    assert.equal(first.takeFreshStart(), false, 'said once');
    assert.equal((await first.start()).url, server.url, 'the same one on the next use');
    const remembered = state.get<RememberedSimulator>(DEMO_SIMULATOR_STATE_KEY);
    assert.deepEqual({ url: remembered?.url, pid: remembered?.pid, timeScale: remembered?.timeScale }, { url: server.url, pid: server.pid, timeScale: 0.01 });
    assert.equal(await probeSimulator(server.url), true);

    // The window reloads: this host's objects are gone (release leaves a detached simulator running).
    await first.release();
    const second = new DemoSimulator(silent, options(), noInProcess);
    const again = await second.start();
    assert.equal(spawned, 1, 'nothing new was started');
    assert.equal(again.url, server.url);
    assert.equal(again.generation, server.generation, 'the same simulator, so the same engine key');
    assert.equal(second.takeFreshStart(), false, 'its jobs are still there');

    assert.equal(await second.stop(), true);
    await eventually('the simulator to stop', async () => !(await probeSimulator(server.url)));
    assert.equal(state.get(DEMO_SIMULATOR_STATE_KEY), undefined, 'forgotten');
  });

  it('starts a new one when the remembered simulator is gone, or ran at another speed', async () => {
    await state.update(DEMO_SIMULATOR_STATE_KEY, { url: 'http://127.0.0.1:9', pid: 999_999, startedAt: 1, timeScale: 0.01 } satisfies RememberedSimulator);
    const demo = new DemoSimulator(silent, options(), noInProcess);
    const server = await demo.start();
    pids.push(server.pid!);
    assert.equal(spawned, 1);
    assert.notEqual(server.url, 'http://127.0.0.1:9');
    assert.equal(demo.takeFreshStart(), true);

    const faster = new DemoSimulator(silent, options({ timeScale: 0.02 }), noInProcess);
    const other = await faster.start();
    pids.push(other.pid!);
    assert.equal(spawned, 2);
    await eventually('the slower simulator to be stopped', async () => !(await probeSimulator(server.url)));
    assert.equal(state.get<RememberedSimulator>(DEMO_SIMULATOR_STATE_KEY)?.timeScale, 0.02);
  });

  it('replaces a simulator that vanished during the session; the backend key changes with it', async () => {
    const demo = new DemoSimulator(silent, options(), noInProcess);
    const resolver = new BackendResolver(demo, () => readStudioConfig(() => undefined).config, async () => false);
    const first = await resolver.resolve();
    const firstPid = state.get<RememberedSimulator>(DEMO_SIMULATOR_STATE_KEY)!.pid;
    pids.push(firstPid);
    assert.equal(first.kind, 'simulator');
    assert.equal(first.demoToken, 'user:1-simulatorDemoToken0000');
    assert.equal((await resolver.resolve()).key, first.key, 'the same simulator, the same engine');
    demo.takeFreshStart();

    process.kill(firstPid, 'SIGKILL');
    await eventually('the simulator to die', async () => !(await probeSimulator(first.url)) && !pidExists(firstPid));
    const second = await resolver.resolve();
    pids.push(state.get<RememberedSimulator>(DEMO_SIMULATOR_STATE_KEY)!.pid);
    assert.notEqual(second.key, first.key, 'a new engine for the new simulator');
    assert.equal(demo.takeFreshStart(), true);
  });

  it('stops the detached simulator when a real token takes over (not when that server is the simulator itself)', async () => {
    let token = false;
    let apiBaseUrl = '';
    const demo = new DemoSimulator(silent, options(), noInProcess);
    const resolver = new BackendResolver(demo, () => ({ ...readStudioConfig(() => undefined).config, apiBaseUrl }), async () => token);
    const sim = await resolver.resolve();
    pids.push(state.get<RememberedSimulator>(DEMO_SIMULATOR_STATE_KEY)!.pid);

    token = true;
    apiBaseUrl = sim.url;
    assert.equal((await resolver.resolve()).kind, 'useapi');
    assert.equal(await probeSimulator(sim.url), true, 'still serving: it is the chosen server');

    apiBaseUrl = 'https://api.useapi.net';
    assert.equal((await resolver.resolve()).url, 'https://api.useapi.net');
    await eventually('the demo simulator to stop', async () => !(await probeSimulator(sim.url)));
    assert.equal(state.get(DEMO_SIMULATOR_STATE_KEY), undefined);
  });

  it('exits by itself after the idle time', async () => {
    const demo = new DemoSimulator(silent, options({ idleExitSeconds: 1 }), noInProcess);
    const server = await demo.start();
    pids.push(server.pid!);
    await eventually('the idle simulator to exit', async () => !(await probeSimulator(server.url)));
  });

  it('falls back to an in-process simulator when it cannot be spawned', async () => {
    const started: SimulatorOptions[] = [];
    const fake: RunningSimulator = {
      url: 'http://127.0.0.1:1', port: 1, demoToken: 'user:1-x', admin: undefined as never, close: async () => undefined,
    };
    const demo = new DemoSimulator(silent, options({ command: () => ({ file: join(dir, 'no-such-node'), args: [] }) }), () => async (o) => {
      started.push(o);
      return fake;
    });
    const server = await demo.start();
    assert.equal(server.inProcess, fake);
    assert.equal(started.length, 1);
    assert.equal(state.get(DEMO_SIMULATOR_STATE_KEY), undefined);
  });
});

describe('host/demo: demo jobs of an earlier simulator', () => {
  it('marks the jobs in flight lost with the reason; queued and finished jobs are kept as they were', async () => {
    const values = new Map<string, unknown>();
    const kv: KeyValueStore = {
      get: <T>(key: string) => values.get(key) as T | undefined,
      set: async (key, value) => void values.set(key, value),
      keys: () => [...values.keys()],
    };
    const record = (id: string, state: JobRecord['state'], extra: Partial<JobRecord> = {}): JobRecord => ({
      id, state, request: { verb: 'imagine', prompt: id }, verb: 'imagine', buttons: [], assets: [], priority: 'batch', createdAt: 1, updatedAt: 1, ...extra,
    });
    await kv.set(JOBS_KEY, { version: 1, records: [record('q', 'queued'), record('s', 'submitting'), record('r', 'running', { jobId: 'j1' }), record('c', 'completed')] });
    assert.equal(await loseJobsOfEarlierSimulator(kv, 5), 2);
    const records = kv.get<{ version: number; records: JobRecord[] }>(JOBS_KEY)!;
    assert.equal(records.version, 1);
    assert.deepEqual(records.records.map((r) => [r.id, r.state]), [['q', 'queued'], ['s', 'lost'], ['r', 'lost'], ['c', 'completed']]);
    assert.equal(records.records[2].reason, DEMO_RESTARTED_REASON);
    assert.equal(records.records[2].finishedAt, 5);
    assert.equal(await loseJobsOfEarlierSimulator(kv), 0, 'nothing left in flight');
  });

  it('midjourney.jobUpdates: poll by default, stream on request, anything else falls back with a warning', () => {
    assert.equal(readStudioConfig(() => undefined).config.jobUpdates, 'poll');
    assert.equal(readStudioConfig((k) => (k === 'jobUpdates' ? 'stream' : undefined)).config.jobUpdates, 'stream');
    const bad = readStudioConfig((k) => (k === 'jobUpdates' ? 'sse' : undefined));
    assert.equal(bad.config.jobUpdates, 'poll');
    assert.match(bad.warnings.join('\n'), /jobUpdates/);
  });
});
