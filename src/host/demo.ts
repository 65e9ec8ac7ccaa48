// Demo mode: the built-in simulator, started the first time a command needs a server — never inside
// `activate` (DESIGN rule 10). By default it runs in its own detached process so it survives a window
// reload (a restart of the extension host): the demo jobs in flight are still there when the engine
// reattaches. Its origin and pid are remembered in globalState; the next window probes the origin and
// reuses it when it answers, else starts a new one (and the old demo jobs are then really gone). It
// exits by itself after a long idle time. The integration tests run it in this process instead, for
// their synchronous in-process admin control; that is also the fallback when spawning fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { loadJobRecords, JOBS_KEY } from '../core/jobs/persistence';
import { isTerminal, type JobRecord } from '../core/jobs/model';
import type { KeyValueStore, Logger } from '../core/ports';
import { chooseBackend, backendKey, type BackendChoice } from './backendChoice';
import type { StudioConfig } from './configModel';
// Types only: the simulator's code stays in its own bundle until demo mode is used.
import type { RunningSimulator, SimulatorOptions } from '../simulator/index';

export type { RunningSimulator, SimulatorOptions };

type StartSimulator = (options: SimulatorOptions) => Promise<RunningSimulator>;

export interface Backend {
  kind: 'simulator' | 'useapi';
  /** Origin of the server, e.g. http://127.0.0.1:41234 or https://api.useapi.net. */
  url: string;
  /** Key that changes exactly when a different engine is needed (a restarted simulator is a different one). */
  key: string;
  /** The token the simulator accepts (demo mode). */
  demoToken?: string;
  /** The simulator when it runs in this process (tests control it through `admin`). */
  simulator?: RunningSimulator;
}

export class NeedsTokenError extends Error {
  constructor() {
    super('Demo mode is off (midjourney.demoMode = never) and no useapi.net API token is set.');
    this.name = 'NeedsTokenError';
  }
}

/** The demo token of the simulator (CONTRACT.md §14; the same constant as src/simulator's DEMO_TOKEN). */
export const DEMO_TOKEN = 'user:1-simulatorDemoToken0000';

/** globalState key of the detached simulator this extension started. */
export const DEMO_SIMULATOR_STATE_KEY = 'midjourney.demoSimulator';

/** Why in-flight demo jobs end lost when a new simulator had to be started. */
export const DEMO_RESTARTED_REASON =
  'The demo simulator that ran this job had stopped (it exits after a long idle time, or with the machine), so the job is gone: demo jobs exist only there. Run the prompt again.';

export interface RememberedSimulator {
  url: string;
  pid: number;
  startedAt: number;
  timeScale: number;
}

/** The part of vscode.Memento the demo needs (globalState). */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface DemoServer {
  url: string;
  demoToken: string;
  /** Changes whenever another simulator is started, even on the same port. */
  generation: string;
  /** The in-process simulator, when it runs here. */
  inProcess?: RunningSimulator;
  /** The process id of a detached simulator. */
  pid?: number;
  /** False once a detached simulator is known to be gone. */
  alive?: () => boolean;
}

export interface DemoSimulatorOptions {
  /** Demo runs faster than real Midjourney so a first image appears in seconds; tests run faster still. */
  timeScale: number;
  /** 'detached' (default for users): its own process, survives reloads. 'inProcess': dies with the host. */
  mode: 'detached' | 'inProcess';
  /** Fixed port (0: a free one). */
  port?: number;
  /** Remembers the detached simulator across reloads (globalState). */
  state: StateStore;
  /** The detached simulator's stdout/stderr. */
  logFile: string;
  /** The detached simulator exits after this long without requests and running jobs. */
  idleExitSeconds: number;
  /** Command that runs `mj-studio simulator <args>` (default: dist/cli.js in a Node of this host). */
  command: (simulatorArgs: string[]) => { file: string; args: string[] };
  /** How long a new detached simulator may take to say where it listens. */
  startTimeoutMs?: number;
}

/** Loads dist/simulator.js at run time (kept out of the extension bundle). */
function loadSimulatorModule(): StartSimulator {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load of a sibling bundle, by design
  const mod = require('./simulator.js') as { startSimulator: StartSimulator };
  return mod.startSimulator;
}

const LISTENING = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m;

export class DemoSimulator {
  private running: Promise<DemoServer> | undefined;
  private timeScale: number;
  /** Generation of a freshly started simulator whose predecessor's jobs are not yet marked lost. */
  private freshGeneration: string | undefined;

  constructor(
    private readonly log: Logger,
    private readonly options: DemoSimulatorOptions,
    private readonly load: () => StartSimulator = loadSimulatorModule,
  ) {
    this.timeScale = options.timeScale;
  }

  get started(): boolean {
    return this.running !== undefined;
  }

  /** The running simulator; reused from an earlier window when it still answers, else started. */
  async start(): Promise<DemoServer> {
    const current = this.running;
    if (current) {
      const server = await current.catch(() => undefined);
      // A detached simulator can vanish under us (idle exit, killed): start another one.
      if (server && (server.alive?.() ?? true)) return server;
      if (this.running === current) this.running = undefined;
    }
    this.running ??= this.launch().catch((error: unknown) => {
      this.running = undefined;
      throw error;
    });
    return this.running;
  }

  /**
   * True once after a new simulator was started (not reused): jobs that were in flight on an earlier one
   * are gone. The engine factory then marks them lost before the engine loads them.
   */
  takeFreshStart(): boolean {
    if (this.freshGeneration === undefined) return false;
    this.freshGeneration = undefined;
    return true;
  }

  private async launch(): Promise<DemoServer> {
    if (this.options.mode === 'detached') {
      const reused = await this.reuse();
      if (reused) return reused;
      try {
        return this.fresh(await this.spawnDetached());
      } catch (error) {
        this.log.warn('Demo mode: could not start the simulator in its own process; running it inside the extension host (a window reload will lose demo jobs in flight)', error);
      }
    }
    const sim = await this.load()({ port: this.options.port ?? 0, timeScale: this.timeScale, acceptedTokens: [] });
    this.log.info(`Demo mode: built-in simulator listening on ${sim.url} in the extension host (time scale ${this.timeScale}).`);
    return this.fresh({ url: sim.url, demoToken: sim.demoToken, generation: `in-process@${Date.now()}`, inProcess: sim });
  }

  private fresh(server: DemoServer): DemoServer {
    this.freshGeneration = server.generation;
    return server;
  }

  private remembered(): RememberedSimulator | undefined {
    const r = this.options.state.get<Partial<RememberedSimulator>>(DEMO_SIMULATOR_STATE_KEY);
    if (!r || typeof r.url !== 'string' || typeof r.pid !== 'number' || typeof r.startedAt !== 'number' || typeof r.timeScale !== 'number') return undefined;
    return { url: r.url, pid: r.pid, startedAt: r.startedAt, timeScale: r.timeScale };
  }

  /** The simulator an earlier window started, when it still answers at the same speed. */
  private async reuse(): Promise<DemoServer | undefined> {
    const r = this.remembered();
    if (!r) return undefined;
    const alive = await probeSimulator(r.url);
    if (alive && r.timeScale === this.timeScale) {
      this.log.info(`Demo mode: reusing the simulator at ${r.url} (pid ${r.pid}, time scale ${r.timeScale}) started by an earlier window.`);
      return { url: r.url, demoToken: DEMO_TOKEN, generation: `${r.pid}@${r.startedAt}`, pid: r.pid, alive: () => isAlive(r.pid) };
    }
    if (alive) killQuietly(r.pid);
    this.log.info(`Demo mode: the simulator at ${r.url} ${alive ? 'ran at another speed; stopped it' : 'is gone'}; starting a new one.`);
    await this.options.state.update(DEMO_SIMULATOR_STATE_KEY, undefined);
    return undefined;
  }

  private async spawnDetached(): Promise<DemoServer> {
    const { logFile } = this.options;
    await mkdir(dirname(logFile), { recursive: true });
    const simArgs = ['--port', String(this.options.port ?? 0), '--time-scale', String(this.timeScale), '--idle-exit-seconds', String(this.options.idleExitSeconds)];
    const { file, args } = this.options.command(simArgs);
    // Output goes to a file, not a pipe: a pipe would break (and kill the simulator) when this host exits.
    const out = await open(logFile, 'w');
    let exited: string | undefined;
    let child: ChildProcess;
    try {
      child = spawn(file, args, {
        detached: true,
        stdio: ['ignore', out.fd, out.fd],
        // In desktop VS Code process.execPath is Electron: make it behave as Node.
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        windowsHide: true,
      });
      child.once('error', (error) => (exited = error.message));
      child.once('exit', (code, signal) => (exited = `exited with ${signal ?? `code ${String(code)}`}`));
    } finally {
      await out.close();
    }
    child.unref();
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 15_000);
    for (;;) {
      const output = await readFile(logFile, 'utf8').catch(() => '');
      const url = LISTENING.exec(output)?.[1];
      if (url && child.pid !== undefined) {
        const startedAt = Date.now();
        const remembered: RememberedSimulator = { url, pid: child.pid, startedAt, timeScale: this.timeScale };
        await this.options.state.update(DEMO_SIMULATOR_STATE_KEY, remembered);
        this.log.info(`Demo mode: built-in simulator listening on ${url} (pid ${child.pid}, time scale ${this.timeScale}); it outlives window reloads and exits after ${this.options.idleExitSeconds} s idle.`);
        const pid = child.pid;
        // Our own child is known dead from its exit event (signal 0 still reaches a zombie).
        return { url, demoToken: DEMO_TOKEN, generation: `${pid}@${startedAt}`, pid, alive: () => exited === undefined && isAlive(pid) };
      }
      if (exited !== undefined || Date.now() > deadline) {
        if (exited === undefined && child.pid !== undefined) killQuietly(child.pid);
        throw new Error(`the simulator ${exited ?? 'did not start in time'}: ${output.trim().slice(-500) || '(no output)'}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Used by tests: the next start uses this time scale (stops a running simulator). */
  async setTimeScale(timeScale: number): Promise<boolean> {
    if (timeScale === this.timeScale) return false;
    this.timeScale = timeScale;
    return this.stop();
  }

  /**
   * Stops the simulator this extension started (in this window or, when it still answers, an earlier one).
   * Returns true when one was running.
   */
  async stop(): Promise<boolean> {
    const running = this.running;
    this.running = undefined;
    const server = await running?.catch(() => undefined);
    if (server?.inProcess) {
      await server.inProcess.close();
      return true;
    }
    const r = this.remembered();
    if (!r) return server !== undefined;
    await this.options.state.update(DEMO_SIMULATOR_STATE_KEY, undefined);
    // Only a pid that still serves the remembered origin is certainly ours (pids are reused).
    if (!(await probeSimulator(r.url))) return false;
    killQuietly(r.pid);
    this.log.info(`Demo mode: stopped the simulator at ${r.url} (pid ${r.pid}).`);
    return true;
  }

  /**
   * Demo mode ended (a real token or server is used now): stop the detached simulator this extension
   * started, unless it is the server now chosen. An in-process one stays until the host exits.
   */
  async retire(unlessUrl: string): Promise<void> {
    if (this.options.mode !== 'detached') return;
    const server = await this.running?.catch(() => undefined);
    if (server?.inProcess) return;
    const r = this.remembered();
    if (!server && !r) return;
    if ((server?.url ?? r?.url) === unlessUrl) return;
    await this.stop();
  }

  /** The host is shutting down (a reload, maybe): an in-process simulator goes; a detached one stays. */
  async release(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    const server = await running?.catch(() => undefined);
    await server?.inProcess?.close();
  }
}

/** True when a simulator answers its admin route at `url` (a quick loopback probe). */
export async function probeSimulator(url: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const response = await fetch(`${url}/__sim/channels`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return false;
    return Array.isArray(await response.json());
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: gone. EPERM: the pid was reused by a process that is not ours.
    return false;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

/**
 * Marks the demo jobs that were in flight on an earlier simulator lost, saying why (a new simulator
 * knows nothing of them). Queued jobs stay queued: they were never sent.
 */
export async function loseJobsOfEarlierSimulator(kv: KeyValueStore, now = Date.now()): Promise<number> {
  const records = loadJobRecords(kv);
  let lost = 0;
  const next = records.map((r): JobRecord => {
    if (isTerminal(r.state) || r.state === 'queued') return r;
    lost++;
    return { ...r, state: 'lost', reason: DEMO_RESTARTED_REASON, updatedAt: now, finishedAt: now };
  });
  if (lost > 0) await kv.set(JOBS_KEY, { ...kv.get<object>(JOBS_KEY), records: next });
  return lost;
}

/** Decides the backend from settings and the token, starting the simulator when demo mode applies. */
export class BackendResolver {
  constructor(
    private readonly demo: DemoSimulator,
    private readonly settings: () => StudioConfig,
    private readonly hasToken: () => Promise<boolean>,
  ) {}

  /** The choice without starting anything (for the status bar and view messages). */
  async choice(): Promise<BackendChoice> {
    const config = this.settings();
    return chooseBackend(config.demoMode, config.apiBaseUrl, await this.hasToken());
  }

  async resolve(): Promise<Backend> {
    const choice = await this.choice();
    if (choice.kind === 'needsToken') throw new NeedsTokenError();
    if (choice.kind === 'useapi') {
      await this.demo.retire(choice.url);
      return { kind: 'useapi', url: choice.url, key: backendKey(choice) };
    }
    const server = await this.demo.start();
    return { kind: 'simulator', url: server.url, key: `simulator:${server.url}#${server.generation}`, demoToken: server.demoToken, simulator: server.inProcess };
  }
}
