// Composition root: builds the object graph by hand, registers everything VS Code needs, and returns a
// small API for the integration tests. Nothing here touches the network or starts a server: the engine
// (and, in demo mode, the simulator) is built on first use — a command, a visible view, the gallery.
import * as vscode from 'vscode';
import { join } from 'node:path';
import { readCachedImage } from './core/ai/images';
import type { JobEngineApi, JobStoreReader } from './core/jobs/api';
import type { JobEngineOptions } from './core/jobs/engine';
import type { KeyValueStore } from './core/ports';
import { SecretRegistry } from './core/redact';
import { AUTOPILOT_JOBS_COMMAND, registerAiAssist } from './host/ai';
import { registerCommands } from './host/commands';
import type { HostServices } from './host/commands/services';
import { StudioSettings } from './host/config';
import type { StudioConfig } from './host/configModel';
import { BackendResolver, DemoSimulator, loseJobsOfEarlierSimulator, type Backend, type RunningSimulator } from './host/demo';
import { EngineHost, type StartableJobEngine } from './host/engineHost';
import { StudioLog } from './host/log';
import { handleAlert, Notifier, type ShownNotification } from './host/notify';
import { TokenStore, type TokenKind } from './host/secrets';
import { StudioStatusBar } from './host/status';
import { ChannelModesStore, ChannelsTreeProvider, type ChannelsTreeRow } from './host/views/channelsTree';
import { JobsTreeProvider, type JobsTreeRow } from './host/views/jobsTree';
import { loadRuntime } from './host/runtime';
import { registerPromptsLanguage } from './host/language';
import { registerGallery, type GalleryHandle } from './host/webviews/gallery';

export interface MidjourneyTestApi {
  /** The engine facade every surface uses (built lazily on first use). */
  readonly engine: JobEngineApi;
  /** True once the engine (and in demo mode the simulator) has been built. */
  backendStarted(): boolean;
  /** The backend, started if needed (the simulator in demo mode). */
  backend(): Promise<{ kind: 'simulator' | 'useapi'; url: string; simulator?: RunningSimulator }>;
  readonly jobsTree: { rows(): JobsTreeRow[]; rebuild(): void; readonly grouping: string; readonly filter: string };
  readonly channelsTree: { rows(): ChannelsTreeRow[] };
  readonly secrets: {
    get(kind: TokenKind): Promise<string | undefined>;
    set(kind: TokenKind, value: string): Promise<void>;
    delete(kind: TokenKind): Promise<void>;
  };
  /** Notifications shown so far (redacted), oldest first. */
  notifications(): readonly ShownNotification[];
  /** Every log line written from now on (already redacted). */
  captureLog(): readonly string[];
  statusText(): string;
  /** Restart the demo simulator at another speed (tests: e.g. 0.02). */
  setSimulatorTimeScale(timeScale: number): Promise<void>;
  readonly gallery: GalleryHandle;
}

// Demo mode runs faster than Midjourney so a first image appears in seconds; the integration harness
// (MJ_STUDIO_TEST=1) faster still.
const DEMO_TIME_SCALE = 0.3;
const TEST_TIME_SCALE = 0.02;
/** A detached demo simulator exits after this long without requests and running jobs. */
const DEMO_IDLE_EXIT_SECONDS = 1800;

let shutdown: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): MidjourneyTestApi {
  const redactor = new SecretRegistry();
  const log = new StudioLog(redactor);
  const settings = new StudioSettings(log);
  const tokens = new TokenStore(context.secrets, redactor);
  const testing = process.env.MJ_STUDIO_TEST === '1';
  const demo = new DemoSimulator(log, {
    timeScale: testing ? TEST_TIME_SCALE : DEMO_TIME_SCALE,
    // Its own process survives window reloads; the integration tests drive an in-process one (admin API).
    mode: testing ? 'inProcess' : 'detached',
    port: demoPort(process.env.MJ_STUDIO_DEMO_PORT),
    state: context.globalState,
    logFile: join(context.globalStorageUri.fsPath, 'demo-simulator.log'),
    idleExitSeconds: DEMO_IDLE_EXIT_SECONDS,
    command: (args) => ({ file: process.execPath, args: [context.asAbsolutePath(join('dist', 'cli.js')), 'simulator', ...args] }),
  });
  const resolver = new BackendResolver(demo, () => settings.current, () => tokens.has('useapi'));
  const cacheDir = join(context.globalStorageUri.fsPath, 'media');

  const buildEngine = async (backend: Backend): Promise<StartableJobEngine> => {
    const config = settings.current;
    const demoToken = backend.demoToken;
    // Demo history is kept apart from the real one: its jobs exist only in the simulator and must never
    // be reattached against useapi.net.
    const kv = prefixedStore(context.globalState, backend.kind === 'simulator' ? 'midjourney.demo/' : 'midjourney.useapi/');
    // A new simulator knows nothing of the demo jobs in flight on an earlier one: say so instead of a 404.
    if (backend.kind === 'simulator' && demo.takeFreshStart()) {
      const lost = await loseJobsOfEarlierSimulator(kv);
      if (lost > 0) log.warn(`Demo mode: ${lost} demo job(s) in flight were lost with the earlier simulator.`);
    }
    // The engine (undici, zod) comes from the runtime bundle, loaded here on first use, not at activation.
    return loadRuntime().createJobEngine({
      apiBaseUrl: backend.url,
      tokens: demoToken ? { getToken: async () => demoToken } : tokens,
      kv,
      logger: log,
      media: { cacheDir, maxCacheBytes: config.download.maxCacheBytes },
      options: engineOptions(config),
      knownSecrets: redactor,
    });
  };
  const engine = new EngineHost(() => resolver.resolve(), buildEngine, log);
  const notifier = new Notifier(log);
  const channelModes = new ChannelModesStore();
  const jobsTree = new JobsTreeProvider(engine, context.workspaceState);
  const channelsTree = new ChannelsTreeProvider(engine, channelModes, () => engine.currentBackend !== undefined);
  const status = new StudioStatusBar(engine);
  const services: HostServices = { engine, tokens, settings, log, notifier, jobsTree, channelsTree, channelModes };

  /** Builds the engine in the background (never inside activate itself); once per backend change. */
  let startRequested = false;
  const startEngine = (why: string): void => {
    if (engine.currentBackend || startRequested) return;
    startRequested = true;
    // Deferred: a read during activate (a restored gallery) must not start anything inside activate.
    setTimeout(() => {
      if (engine.currentBackend) return;
      log.debug(`Starting the job engine: ${why}.`);
      engine.engine().catch((error: unknown) => log.warn('Could not start the job engine', error));
    }, 0);
  };

  const presentBackend = async (): Promise<void> => {
    const choice = await resolver.choice();
    if (choice.kind === 'simulator') {
      status.setBackend('demo');
      jobsTree.setBackendMessage('Demo mode: the built-in simulator answers; nothing leaves this machine.');
      channelsTree.setBackendMessage('Demo mode: the simulator’s channels.');
    } else if (choice.kind === 'needsToken') {
      status.setBackend('no token');
      jobsTree.setBackendMessage('Demo mode is off and no API token is set: run “Midjourney: Set API Token”.');
      channelsTree.setBackendMessage(undefined);
    } else {
      status.setBackend('useapi', choice.url);
      jobsTree.setBackendMessage(undefined);
      channelsTree.setBackendMessage(undefined);
    }
  };
  const backendMayHaveChanged = (): void => {
    startRequested = false;
    presentBackend().catch((error: unknown) => log.warn('Could not determine the backend', error));
    // A running engine for the old backend is replaced at once so the views show the right history.
    if (engine.currentBackend) startEngineAfterChange();
  };
  const startEngineAfterChange = (): void => {
    engine.engine().catch((error: unknown) => log.warn('Could not switch the job engine', error));
  };

  const gallery = registerGallery(context, {
    store: kickingStore(engine.store, () => startEngine('the gallery is open')),
    cacheDir,
    log,
    favourites: {
      get: () => context.globalState.get<string[]>('midjourney.gallery.favourites') ?? [],
      set: (ids) => Promise.resolve(context.globalState.update('midjourney.gallery.favourites', ids)),
    },
  });

  // The `prompts` language: diagnostics, completion, lenses, and the imagineSelection /
  // imaginePromptAtCursor / runPromptsFile / previewPromptsFile / newPromptsFile commands.
  registerPromptsLanguage(context, {
    engine,
    defaults: () => settings.current.defaultParameters,
    maxExpansion: () => settings.current.promptsMaxExpansion,
    log,
    // `@autopilot` prompts: AI assist judges each grid as it completes (it refuses when AI is off).
    onJobsSubmitted: (submitted) => {
      const ids = submitted.filter((s) => s.job.autopilot).map((s) => s.record.id);
      if (ids.length === 0) return;
      vscode.commands.executeCommand(AUTOPILOT_JOBS_COMMAND, { ids }).then(undefined, (error: unknown) => log.warn('AI autopilot failed', error));
    },
  });

  context.subscriptions.push(
    log,
    settings,
    tokens,
    jobsTree,
    channelsTree,
    status,
    { dispose: () => gallery.dispose() },
    ...registerCommands(services),
    registerAiAssist(context, {
      engine,
      log,
      readImage: readCachedImage,
      ready: () => engine.engine(),
      registerSecret: (secret) => redactor.register(secret),
    }),
    engine.onAlert((alert) => {
      handleAlert(notifier, alert).catch((error: unknown) => log.warn('Could not show an alert', error));
    }),
    engine.onDidChangeBackend(() => {
      void vscode.commands.executeCommand('setContext', 'midjourney.queuePaused', engine.queuePaused);
    }),
    tokens.onDidChangeToken((kind) => {
      if (kind === 'useapi') backendMayHaveChanged();
    }),
    settings.onDidChange(({ backendChanged, engineOptionsChanged }) => {
      if (backendChanged) backendMayHaveChanged();
      // Poll interval, concurrency and download settings are engine options: rebuild a running engine
      // (it stops tracking and the new one reattaches every job; nothing is cancelled or resent).
      else if (engineOptionsChanged && engine.currentBackend) engine.invalidate().then(startEngineAfterChange, (error: unknown) => log.warn('Could not apply the settings', error));
    }),
    jobsTree.treeView.onDidChangeVisibility((e) => {
      if (e.visible) startEngine('the Jobs view is visible');
    }),
    channelsTree.treeView.onDidChangeVisibility((e) => {
      if (e.visible) startEngine('the Channels view is visible');
    }),
  );

  // After activate returns: read the token (no network) to label the backend, and load the history
  // when a Midjourney view is already on screen.
  const deferred = setTimeout(() => {
    presentBackend().catch((error: unknown) => log.warn('Could not determine the backend', error));
    if (jobsTree.treeView.visible || channelsTree.treeView.visible) startEngine('a Midjourney view is visible');
  }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(deferred) });

  shutdown = async () => {
    await engine.dispose();
    // A detached demo simulator keeps running (this may be a reload); it exits when idle.
    await demo.release();
  };
  log.info(`Midjourney Studio ${String((context.extension.packageJSON as { version?: unknown }).version)} activated.`);

  return {
    engine,
    backendStarted: () => engine.currentBackend !== undefined,
    async backend() {
      const b = await engine.backend();
      return { kind: b.kind, url: b.url, simulator: b.simulator };
    },
    jobsTree: {
      rows: () => jobsTree.rows(),
      rebuild: () => jobsTree.rebuild(),
      get grouping() {
        return jobsTree.currentGrouping;
      },
      get filter() {
        return jobsTree.currentFilter;
      },
    },
    channelsTree: { rows: () => channelsTree.rows() },
    secrets: {
      get: (kind) => tokens.get(kind),
      set: (kind, value) => tokens.set(kind, value),
      delete: (kind) => tokens.delete(kind),
    },
    notifications: () => notifier.history,
    captureLog: () => log.captureLines(),
    statusText: () => status.text,
    async setSimulatorTimeScale(timeScale) {
      if (await demo.setTimeScale(timeScale)) await engine.invalidate();
    },
    gallery,
  };
}

export async function deactivate(): Promise<void> {
  const stop = shutdown;
  shutdown = undefined;
  await stop?.();
}

function engineOptions(config: StudioConfig): JobEngineOptions {
  return {
    pollIntervalMs: config.pollIntervalMs,
    maxConcurrentJobs: config.maxConcurrentJobs,
    autoDownload: config.download.auto,
    // "poll" (default) survives reloads; a closed stream freezes the job on the service (CONTRACT.md §5).
    useSse: config.jobUpdates === 'stream',
    batchDelayMs: config.batch.delayMs,
    batchSequential: config.batch.sequential,
  };
}

/** MJ_STUDIO_DEMO_PORT: a fixed port for the demo simulator (the e2e harness reads its counters there). */
function demoPort(value: string | undefined): number {
  const port = Number(value);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : 0;
}

/** KeyValueStore over a Memento, with every key under `prefix`. */
function prefixedStore(memento: vscode.Memento, prefix: string): KeyValueStore {
  return {
    get: <T>(key: string) => memento.get<T>(prefix + key),
    set: (key, value) => Promise.resolve(memento.update(prefix + key, value)),
    keys: () => memento.keys().filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)),
  };
}

/** A store view that starts the engine the first time someone reads it (the gallery restored after a reload). */
function kickingStore(store: JobStoreReader, kick: () => void): JobStoreReader {
  return {
    all: () => (kick(), store.all()),
    get: (id) => (kick(), store.get(id)),
    byJobId: (jobId) => (kick(), store.byJobId(jobId)),
    children: (id) => store.children(id),
    search: (text) => (kick(), store.search(text)),
    onDidChange: (listener) => store.onDidChange(listener),
  };
}
