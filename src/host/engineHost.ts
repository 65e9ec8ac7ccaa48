// The engine as the rest of the host sees it: one JobEngineApi that is built lazily, on the first use
// that needs a server, and rebuilt when the backend changes (demo ↔ useapi, another apiBaseUrl).
// Views subscribe once to this facade; it forwards the events of whichever engine is current.
// Pure TypeScript (no vscode), so it is unit-tested with a fake engine.
import type {
  AccountInput, ChannelState, Disposable, EngineAlert, JobEngineApi, JobStoreChange, JobStoreReader, Listener, SubmitOptions,
} from '../core/jobs/api';
import type { AiDecision, JobRecord, JobRequest, JobSource } from '../core/jobs/model';
import type { Logger } from '../core/ports';
import type { Backend } from './demo';
import { Emitter } from './emitter';

export interface StartableJobEngine extends JobEngineApi {
  /** Load persisted state and reattach in-flight jobs. */
  start?(): Promise<void>;
  /** The download cache, when the engine has one. */
  readonly media?: { get(url: string, signal?: AbortSignal): Promise<string> };
}

export type EngineFactory = (backend: Backend) => StartableJobEngine | Promise<StartableJobEngine>;

interface ActiveEngine {
  backend: Backend;
  engine: StartableJobEngine;
  subscriptions: Disposable[];
}

export class EngineHost implements JobEngineApi {
  private active: ActiveEngine | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private wantPaused = false;
  private disposed = false;
  private readonly storeChanged = new Emitter<JobStoreChange>();
  private readonly channelsChanged = new Emitter<readonly ChannelState[]>();
  private readonly alerts = new Emitter<EngineAlert>();
  private readonly backendChanged = new Emitter<Backend | undefined>();
  /** Fires when an engine for a (new) backend is up, or undefined when it was torn down. */
  readonly onDidChangeBackend = this.backendChanged.event;

  readonly store: JobStoreReader;

  constructor(
    private readonly resolveBackend: () => Promise<Backend>,
    private readonly factory: EngineFactory,
    private readonly log: Logger,
  ) {
    const current = (): JobStoreReader | undefined => this.active?.engine.store;
    this.store = {
      all: () => current()?.all() ?? [],
      get: (id) => current()?.get(id),
      byJobId: (jobId) => current()?.byJobId(jobId),
      children: (id) => current()?.children(id) ?? [],
      search: (text) => current()?.search(text) ?? [],
      onDidChange: (listener) => this.storeChanged.event(listener),
    };
  }

  /** The backend of the current engine, if one was built. */
  get currentBackend(): Backend | undefined {
    return this.active?.backend;
  }

  /** The engine for the current backend, built (and the simulator started) on first use. */
  engine(): Promise<JobEngineApi> {
    return this.serialized(async () => (await this.ensure()).engine);
  }

  /** The engine's download cache (building the engine if needed). */
  mediaCache(): Promise<StartableJobEngine['media']> {
    return this.serialized(async () => (await this.ensure()).engine.media);
  }

  /** The backend, started if needed. */
  backend(): Promise<Backend> {
    return this.serialized(async () => (await this.ensure()).backend);
  }

  /** Drop the current engine (it stops tracking; nothing is cancelled); the next use builds a new one. */
  invalidate(): Promise<void> {
    return this.serialized(() => this.teardown());
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async ensure(): Promise<ActiveEngine> {
    if (this.disposed) throw new Error('Midjourney Studio is shutting down.');
    let backend: Backend;
    try {
      backend = await this.resolveBackend();
    } catch (error) {
      // No usable backend now (e.g. demo mode turned off without a token): stop serving the old one.
      await this.teardown();
      throw error;
    }
    if (this.active && this.active.backend.key === backend.key) return this.active;
    await this.teardown();
    this.log.info(`Job engine: using ${backend.kind === 'simulator' ? 'the built-in simulator (demo mode)' : backend.url}.`);
    const engine = await this.factory(backend);
    const active: ActiveEngine = {
      backend,
      engine,
      subscriptions: [
        engine.store.onDidChange((e) => this.storeChanged.fire(e)),
        engine.onDidChangeChannels((c) => this.channelsChanged.fire(c)),
        engine.onAlert((a) => this.alerts.fire(a)),
      ],
    };
    this.active = active;
    await engine.start?.();
    if (this.wantPaused) engine.pauseQueue();
    this.storeChanged.fire({ upserted: engine.store.all(), removed: [] });
    this.channelsChanged.fire(engine.channels());
    this.backendChanged.fire(backend);
    return active;
  }

  private async teardown(): Promise<void> {
    const old = this.active;
    if (!old) return;
    this.active = undefined;
    for (const s of old.subscriptions) s.dispose();
    const removed = old.engine.store.all().map((j) => j.id);
    await old.engine.dispose();
    this.storeChanged.fire({ upserted: [], removed });
    this.channelsChanged.fire([]);
    this.backendChanged.fire(undefined);
  }

  // JobEngineApi, delegated to the current engine.

  async submit(request: JobRequest, options?: SubmitOptions): Promise<JobRecord> {
    return (await this.engine()).submit(request, options);
  }
  async submitBatch(requests: readonly { request: JobRequest; source?: JobSource; channel?: string }[]): Promise<{ batchId: string; jobs: JobRecord[] }> {
    return (await this.engine()).submitBatch(requests);
  }
  async waitFor(id: string, signal?: AbortSignal): Promise<JobRecord> {
    return (await this.engine()).waitFor(id, signal);
  }
  async cancel(id: string): Promise<void> {
    return (await this.engine()).cancel(id);
  }
  async retry(id: string): Promise<JobRecord> {
    return (await this.engine()).retry(id);
  }
  pauseQueue(): void {
    this.wantPaused = true;
    this.active?.engine.pauseQueue();
  }
  resumeQueue(): void {
    this.wantPaused = false;
    this.active?.engine.resumeQueue();
  }
  get queuePaused(): boolean {
    return this.active?.engine.queuePaused ?? this.wantPaused;
  }
  async cancelQueue(batchId?: string): Promise<number> {
    return this.active ? this.active.engine.cancelQueue(batchId) : 0;
  }
  async annotate(id: string, note: { ai?: AiDecision }): Promise<JobRecord | undefined> {
    return (await this.engine()).annotate(id, note);
  }

  async clearHistory(): Promise<number> {
    return (await this.engine()).clearHistory();
  }
  channels(): readonly ChannelState[] {
    return this.active?.engine.channels() ?? [];
  }
  async refreshChannels(signal?: AbortSignal): Promise<readonly ChannelState[]> {
    return (await this.engine()).refreshChannels(signal);
  }
  onDidChangeChannels(listener: Listener<readonly ChannelState[]>): Disposable {
    return this.channelsChanged.event(listener);
  }
  async configureAccount(input: AccountInput, signal?: AbortSignal): Promise<ChannelState> {
    return (await this.engine()).configureAccount(input, signal);
  }
  async deleteAccount(channel: string, signal?: AbortSignal): Promise<void> {
    return (await this.engine()).deleteAccount(channel, signal);
  }
  async resetChannel(channel: string, signal?: AbortSignal): Promise<void> {
    return (await this.engine()).resetChannel(channel, signal);
  }
  onAlert(listener: Listener<EngineAlert>): Disposable {
    return this.alerts.event(listener);
  }
  async dispose(): Promise<void> {
    await this.serialized(() => this.teardown());
    this.disposed = true;
    this.storeChanged.dispose();
    this.channelsChanged.dispose();
    this.alerts.dispose();
    this.backendChanged.dispose();
  }
}
