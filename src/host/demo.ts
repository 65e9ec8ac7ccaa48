// Demo mode: the built-in simulator, started in this process on a loopback port the first time a
// command needs a server — never inside `activate` (DESIGN rule 10). dist/simulator.js is a separate
// bundle next to dist/extension.js, loaded with require() only when demo mode is actually used.
import type { Logger } from '../core/ports';
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
  /** Key that changes exactly when a different engine is needed. */
  key: string;
  simulator?: RunningSimulator;
}

export class NeedsTokenError extends Error {
  constructor() {
    super('Demo mode is off (midjourney.demoMode = never) and no useapi.net API token is set.');
    this.name = 'NeedsTokenError';
  }
}

/** Loads dist/simulator.js at run time (kept out of the extension bundle). */
function loadSimulatorModule(): StartSimulator {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load of a sibling bundle, by design
  const mod = require('./simulator.js') as { startSimulator: StartSimulator };
  return mod.startSimulator;
}

export class DemoSimulator {
  private running: Promise<RunningSimulator> | undefined;
  /** Demo runs faster than real Midjourney so a first image appears in seconds; tests run faster still. */
  private timeScale: number;

  constructor(
    private readonly log: Logger,
    options: { timeScale: number },
    private readonly load: () => StartSimulator = loadSimulatorModule,
  ) {
    this.timeScale = options.timeScale;
  }

  get started(): boolean {
    return this.running !== undefined;
  }

  start(): Promise<RunningSimulator> {
    this.running ??= (async () => {
      // Only the demo token authenticates, so a real token sent here is refused (401) like a wrong one.
      const started = await this.load()({ port: 0, timeScale: this.timeScale, acceptedTokens: [] });
      this.log.info(`Demo mode: built-in simulator listening on ${started.url} (time scale ${this.timeScale}).`);
      return started;
    })().catch((error: unknown) => {
      this.running = undefined;
      throw error;
    });
    return this.running;
  }

  /** Used by tests: the next start uses this time scale (stops a running simulator). */
  async setTimeScale(timeScale: number): Promise<boolean> {
    if (timeScale === this.timeScale) return false;
    this.timeScale = timeScale;
    return this.stop();
  }

  /** Returns true when a simulator was running. */
  async stop(): Promise<boolean> {
    const running = this.running;
    this.running = undefined;
    if (!running) return false;
    const sim = await running.catch(() => undefined);
    await sim?.close();
    return true;
  }
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
    if (choice.kind === 'useapi') return { kind: 'useapi', url: choice.url, key: backendKey(choice) };
    const simulator = await this.demo.start();
    return { kind: 'simulator', url: simulator.url, key: `simulator:${simulator.url}`, simulator };
  }
}
