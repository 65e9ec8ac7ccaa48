// The job engine: owns every job from "queued" to a terminal state. Submits through the scheduler's
// budgets, follows each job by its event stream (polling when it drops), reconciles ambiguous POSTs by
// replyRef before anything is resent, persists through the KeyValueStore and reattaches on start.
import { setMaxListeners } from 'node:events';
import { ApiClient } from '../api/client';
import {
  ApiError,
  BusyError,
  ChannelLockedError,
  NetworkError,
  PaymentRequiredError,
  SchemaMismatchError,
  TimeoutError,
  UnauthorizedError,
  UpstreamError,
  isAbortError,
} from '../api/errors';
import type { Job, SseEvent } from '../api/schemas';
import type { Clock, KeyValueStore, Logger, TokenSource } from '../ports';
import { silentLogger, systemClock } from '../ports';
import type { MediaCache } from '../media/cache';
import { createMediaCache } from '../media/cache';
import type {
  AccountInput,
  ChannelState,
  Disposable,
  EngineAlert,
  JobEngineApi,
  Listener,
  SubmitBatchOptions,
  SubmitOptions,
} from './api';
import type { AiDecision, JobRecord, JobRequest, JobSource } from './model';
import { isTerminal } from './model';
import { BatchedJobWriter, loadJobRecords } from './persistence';
import { ANY_CHANNEL, JobScheduler, slotKindOf } from './scheduler';
import type { SlotKind } from './scheduler';
import { JobStore } from './store';
import { findJobByReplyRef, pollJob, sleep } from './tracker';
import { applyEvent, channelOfJobId, jobTypeOfJobId } from './transitions';
import type { JobEvent } from './transitions';

export interface JobEngineOptions {
  /** First wait between polls when a job has no live stream. Default 4 s (grows ×1.5 to 30 s). */
  pollIntervalMs?: number;
  /** Longest wait between polls. Default 30 s. */
  maxPollIntervalMs?: number;
  /** Give up on a job this long after it was sent (the service times out at 14 min). Default 15 min. */
  deadlineMs?: number;
  /** Ceiling on our jobs running at once across all channels; 0 = the channels' own limits. */
  maxConcurrentJobs?: number;
  /** HTTP header/idle timeout of ordinary calls. Default 30 s. */
  requestTimeoutMs?: number;
  /** Download results into the media cache when a job completes. Default true (needs `media`). */
  autoDownload?: boolean;
  /** Follow jobs through the POST's event stream (default) instead of `stream:false` + polling. */
  useSse?: boolean;
  /** First 429 backoff (doubles, jittered, up to `backoffMaxMs`). Default 5 s. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How often channels are re-read while jobs wait on a locked or externally loaded channel. Default 30 s. */
  channelRefreshMs?: number;
  /** Batched persistence window. Default 500 ms. */
  persistDelayMs?: number;
  /** Finished jobs kept in the persisted history (oldest dropped first). Default 1000 (~1.5 MB). */
  maxHistory?: number;
  /** Retries of safe requests inside the client. Default 3. */
  retries?: number;
  retryMinTimeoutMs?: number;
  /** Silence inside an event stream that counts as a drop. Default 120 s. */
  streamIdleTimeoutMs?: number;
  /** Least time between two batch submissions (midjourney.batch.delaySeconds). Default 0. User jobs never wait. */
  batchDelayMs?: number;
  /** Send a batch job only when no other batch job is in flight (midjourney.batch.sequential). Default false. */
  batchSequential?: boolean;
}

export interface JobEngineDeps {
  apiBaseUrl: string | (() => string);
  tokens: TokenSource;
  kv: KeyValueStore;
  clock?: Clock;
  logger?: Logger;
  media?: { cacheDir: string; maxCacheBytes?: number };
  options?: JobEngineOptions;
  /** Extra strings to redact (e.g. a Discord token being configured). */
  knownSecrets?: Iterable<string>;
}

const DEFAULTS = {
  pollIntervalMs: 4_000,
  maxPollIntervalMs: 30_000,
  deadlineMs: 15 * 60_000,
  maxConcurrentJobs: 0,
  requestTimeoutMs: 30_000,
  autoDownload: true,
  useSse: true,
  backoffBaseMs: 5_000,
  backoffMaxMs: 60_000,
  channelRefreshMs: 30_000,
  persistDelayMs: 500,
  maxHistory: 1_000,
  retries: 3,
  retryMinTimeoutMs: 500,
  streamIdleTimeoutMs: 120_000,
  batchDelayMs: 0,
  batchSequential: false,
};

type EngineSettings = typeof DEFAULTS;

/** Longest wait before a newly accepted job's id is on disk. */
const ACCEPTED_WRITE_MS = 50;

/** Builds the engine with its client, store, scheduler and (optionally) media cache. Nothing runs until `start()`. */
export function createJobEngine(deps: JobEngineDeps): JobEngine {
  const settings: EngineSettings = { ...DEFAULTS, ...definedOnly(deps.options ?? {}) };
  const logger = deps.logger ?? silentLogger;
  const client = new ApiClient({
    baseUrl: deps.apiBaseUrl,
    tokens: deps.tokens,
    logger,
    requestTimeoutMs: settings.requestTimeoutMs,
    streamIdleTimeoutMs: settings.streamIdleTimeoutMs,
    retries: settings.retries,
    retryMinTimeoutMs: settings.retryMinTimeoutMs,
    knownSecrets: deps.knownSecrets,
  });
  const media = deps.media ? createMediaCache({ cacheDir: deps.media.cacheDir, maxCacheBytes: deps.media.maxCacheBytes, client, logger }) : undefined;
  return new JobEngine({ client, kv: deps.kv, clock: deps.clock ?? systemClock, logger, media, settings });
}

interface Tracking {
  controller: AbortController;
  done: Promise<void>;
}

export class JobEngine implements JobEngineApi {
  readonly store = new JobStore();
  readonly client: ApiClient;
  readonly media: MediaCache | undefined;
  readonly scheduler: JobScheduler;

  private readonly kv: KeyValueStore;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly settings: EngineSettings;
  private readonly writer: BatchedJobWriter;
  /** Queued local ids, in submission order (priority is applied when picking). */
  private queue: string[] = [];
  private readonly tracking = new Map<string, Tracking>();
  private readonly cancelRequested = new Set<string>();
  /** Why a job's POST had an unknown fate (local id → the error), read once by its reconciliation. */
  private readonly ambiguousCauses = new Map<string, ApiError>();
  private readonly alertListeners = new Set<Listener<EngineAlert>>();
  private readonly channelListeners = new Set<Listener<readonly ChannelState[]>>();
  private readonly lifetime = new AbortController();
  private paused = false;
  private started = false;
  private disposed = false;
  private pumping = false;
  private pumpDone: Promise<void> = Promise.resolve();
  private pumpAgain = false;
  private wakeTimer: { cancel(): void; at: number } | undefined;
  /** When the last batch job was sent, for the batch pacing settings. */
  private lastBatchSentAt: number | undefined;
  private refreshTimer: { cancel(): void } | undefined;
  private authAlerted = false;
  private sequence = 0;
  private readonly finishedBatches = new Set<string>();
  /** Counters for tests and the bench. */
  readonly stats = { submissions: 0, busy: 0, locked: 0, reconciled: 0, resubmitted: 0, streamDrops: 0 };

  constructor(parts: { client: ApiClient; kv: KeyValueStore; clock: Clock; logger: Logger; media?: MediaCache; settings: EngineSettings }) {
    this.client = parts.client;
    this.kv = parts.kv;
    this.clock = parts.clock;
    this.logger = parts.logger;
    this.media = parts.media;
    this.settings = parts.settings;
    this.scheduler = new JobScheduler({
      maxConcurrentJobs: parts.settings.maxConcurrentJobs,
      backoffBaseMs: parts.settings.backoffBaseMs,
      backoffMaxMs: parts.settings.backoffMaxMs,
    });
    this.writer = new BatchedJobWriter(parts.kv, parts.clock, parts.logger, () => this.persistable(), parts.settings.persistDelayMs);
    // One listener per followed job (up to the capacity of every channel): not a leak.
    setMaxListeners(0, this.lifetime.signal);
  }

  get queuePaused(): boolean {
    return this.paused;
  }

  /** Loads the persisted history, reattaches to in-flight jobs by id (never resubmitting), reads channels. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const records = loadJobRecords(this.kv);
    this.store.upsert(...records);
    const queued = records.filter((r) => r.state === 'queued').sort((a, b) => a.createdAt - b.createdAt);
    this.queue = queued.map((r) => r.id);
    this.sequence = records.length;
    for (const record of records) {
      if (record.state === 'running' && record.jobId) {
        this.reserveFor(record, record.channel ?? channelOfJobId(record.jobId) ?? ANY_CHANNEL);
        this.follow(record.id, { initialDelayMs: 0 });
      } else if (record.state === 'submitting' || (record.state === 'running' && !record.jobId)) {
        // The POST's fate is unknown: find the job by replyRef; if it is not running, do not resend.
        this.reserveFor(record, record.channel ?? pinnedChannelOf(record) ?? ANY_CHANNEL);
        this.follow(record.id, { reconcile: 'restart' });
      }
    }
    try {
      await this.refreshChannels(this.lifetime.signal);
    } catch (error) {
      if (!isAbortError(error)) this.logger.warn(`could not read channels: ${messageOf(error)}`);
    }
    this.pump();
  }

  // ---- submitting -----------------------------------------------------------------------------------

  async submit(request: JobRequest, options: SubmitOptions = {}): Promise<JobRecord> {
    const record = this.newRecord(request, { priority: options.priority ?? 'user', source: options.source, batchId: options.batchId, channel: options.channel });
    this.enqueue([record]);
    return record;
  }

  async submitBatch(
    requests: readonly { request: JobRequest; source?: JobSource; channel?: string }[],
    options: SubmitBatchOptions = {},
  ): Promise<{ batchId: string; jobs: JobRecord[] }> {
    const batchId = options.batchId ?? `batch-${this.newId()}`;
    const existing = new Map<number, JobRecord>();
    for (const record of this.store.all()) if (record.batchId === batchId && record.batchIndex !== undefined) existing.set(record.batchIndex, record);
    const fresh: JobRecord[] = [];
    const jobs = requests.map((entry, index) => {
      const known = existing.get(index);
      if (known) return known;
      const record = this.newRecord(entry.request, { priority: options.priority ?? 'batch', source: entry.source, batchId, channel: entry.channel, batchIndex: index });
      fresh.push(record);
      return record;
    });
    this.finishedBatches.delete(batchId);
    this.enqueue(fresh);
    return { batchId, jobs };
  }

  waitFor(id: string, signal?: AbortSignal): Promise<JobRecord> {
    return new Promise((resolve, reject) => {
      const current = this.store.get(id);
      if (!current) {
        reject(new Error(`unknown job ${id}`));
        return;
      }
      if (isTerminal(current.state)) {
        resolve(current);
        return;
      }
      const onAbort = (): void => {
        subscription.dispose();
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      const subscription = this.store.onDidChange((change) => {
        const record = change.upserted.find((r) => r.id === id);
        if (record && isTerminal(record.state)) {
          subscription.dispose();
          signal?.removeEventListener('abort', onAbort);
          resolve(record);
        }
      });
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async cancel(id: string): Promise<void> {
    const record = this.store.get(id);
    if (!record || isTerminal(record.state)) return;
    if (record.state === 'queued') {
      this.queue = this.queue.filter((q) => q !== id);
      this.update(id, { type: 'cancel', reason: 'Cancelled before it was sent' });
      return;
    }
    this.cancelRequested.add(id);
    if (record.jobId) await this.cancelOnService(id, record.jobId);
    // Otherwise the submission is in flight: it is cancelled as soon as the service names the job.
  }

  async retry(id: string): Promise<JobRecord> {
    const record = this.store.get(id);
    if (!record) throw new Error(`unknown job ${id}`);
    return this.submit(record.request, { priority: 'user', source: record.source, channel: 'channel' in record.request ? record.request.channel : undefined });
  }

  pauseQueue(): void {
    this.paused = true;
  }

  resumeQueue(): void {
    this.paused = false;
    this.pump();
  }

  async cancelQueue(batchId?: string): Promise<number> {
    const doomed = this.queue.filter((id) => batchId === undefined || this.store.get(id)?.batchId === batchId);
    const set = new Set(doomed);
    this.queue = this.queue.filter((id) => !set.has(id));
    for (const id of doomed) this.update(id, { type: 'cancel', reason: 'Queue cancelled' });
    return doomed.length;
  }

  async annotate(id: string, note: { ai?: AiDecision }): Promise<JobRecord | undefined> {
    const record = this.store.get(id);
    return record ? this.put({ ...record, ...note, updatedAt: this.clock.now() }) : undefined;
  }

  async clearHistory(): Promise<number> {
    const finished = this.store.all().filter((r) => isTerminal(r.state)).map((r) => r.id);
    this.store.remove(finished);
    this.writer.markDirty();
    await this.writer.flush();
    return finished.length;
  }

  // ---- channels ---------------------------------------------------------------------------------------

  channels(): readonly ChannelState[] {
    return this.scheduler.snapshot();
  }

  async refreshChannels(signal?: AbortSignal): Promise<readonly ChannelState[]> {
    const before = new Set(this.scheduler.lockedChannels());
    const [accounts, running] = await Promise.all([this.client.getAccounts({ signal }), this.client.listRunningJobs({ signal })]);
    this.scheduler.learnAccounts(accounts);
    this.scheduler.learnRunning(running);
    this.authAlerted = false;
    for (const channel of before) if (!this.scheduler.isLocked(channel)) this.alert({ kind: 'channelResumed', channel });
    for (const channel of this.scheduler.lockedChannels()) {
      if (!before.has(channel)) this.alert({ kind: 'channelLocked', channel, message: new ChannelLockedError(channel).message });
    }
    this.emitChannels();
    this.pump();
    return this.channels();
  }

  onDidChangeChannels(listener: Listener<readonly ChannelState[]>): Disposable {
    this.channelListeners.add(listener);
    return { dispose: () => this.channelListeners.delete(listener) };
  }

  async configureAccount(input: AccountInput, signal?: AbortSignal): Promise<ChannelState> {
    const account = await this.client.configureAccount(input, { signal });
    await this.refreshChannels(signal).catch((error: unknown) => this.logger.warn(`could not re-read channels: ${messageOf(error)}`));
    return (
      this.channels().find((c) => c.channel === account.channel) ?? {
        channel: account.channel,
        maxJobs: account.maxJobs,
        maxImageJobs: account.maxImageJobs,
        maxVideoJobs: account.maxVideoJobs,
        running: { total: 0, images: 0, videos: 0 },
        lockedReason: account.error,
        discord: account.discord,
      }
    );
  }

  async deleteAccount(channel: string, signal?: AbortSignal): Promise<void> {
    await this.client.deleteAccount(channel, { signal });
    await this.refreshChannels(signal).catch((error: unknown) => this.logger.warn(`could not re-read channels: ${messageOf(error)}`));
  }

  async resetChannel(channel: string, signal?: AbortSignal): Promise<void> {
    await this.client.resetChannel(channel, { signal });
    if (this.scheduler.unlock(channel)) this.alert({ kind: 'channelResumed', channel });
    this.emitChannels();
    this.pump();
  }

  onAlert(listener: Listener<EngineAlert>): Disposable {
    this.alertListeners.add(listener);
    return { dispose: () => this.alertListeners.delete(listener) };
  }

  /** Stops following jobs (nothing is cancelled on the service) and writes the state. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.wakeTimer?.cancel();
    this.refreshTimer?.cancel();
    const streamed = this.settings.useSse ? [...this.tracking.keys()].filter((id) => this.store.get(id)?.state === 'running').length : 0;
    if (streamed > 0) {
      // CONTRACT.md §5: a job whose stream closes stays frozen on the service until its 14-minute timeout.
      this.logger.warn(`${streamed} running job(s) lose their event stream now; the service may hold them until its timeout. They are checked again on the next start.`);
    }
    this.lifetime.abort(new DisposedError());
    await this.pumpDone;
    const pending = [...this.tracking.values()].map((t) => t.done);
    await Promise.allSettled(pending);
    this.writer.markDirty();
    await this.writer.flush();
    await this.client.close().catch(() => undefined);
  }

  /** Writes pending changes now. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  // ---- the queue pump ------------------------------------------------------------------------------

  private enqueue(records: JobRecord[]): void {
    if (records.length === 0) return;
    this.store.upsert(...records);
    this.queue.push(...records.map((r) => r.id));
    this.writer.markDirty();
    this.pump();
  }

  /** Sends every queued job that fits a channel now, user jobs first. Re-entrant calls coalesce. */
  private pump(): void {
    if (this.disposed || !this.started) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    this.pumpDone = this.pumpOnce()
      .catch((error: unknown) => this.logger.error(`queue pump failed: ${messageOf(error)}`))
      .finally(() => {
        this.pumping = false;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.pump();
        }
      });
  }

  private async pumpOnce(): Promise<void> {
    if (this.paused || this.queue.length === 0) return;
    const now = this.clock.now();
    const ordered = this.orderedQueue();
    const blocked = new Set<string>();
    const picked: { record: JobRecord; channel: string; kind: SlotKind }[] = [];
    // Batch pacing: at most one batch job per pass when spaced or sequential; user jobs are never held back.
    let batchAllowed = this.batchMayStart(now);
    for (const record of ordered) {
      const isBatch = record.priority !== 'user';
      if (isBatch && !batchAllowed) continue;
      const kind = this.slotKind(record);
      const pinned = pinnedChannelOf(record);
      const key = `${kind}|${pinned ?? ''}`;
      if (blocked.has(key)) continue; // an equal job already did not fit: skip the scan
      const channel = this.scheduler.pick(kind, pinned, now);
      if (channel === undefined) {
        blocked.add(key);
        continue;
      }
      this.scheduler.reserve(record.id, channel, kind);
      picked.push({ record, channel, kind });
      if (isBatch && (this.settings.batchDelayMs > 0 || this.settings.batchSequential)) batchAllowed = false;
    }
    if (picked.length > 0) {
      const ids = new Set(picked.map((p) => p.record.id));
      this.queue = this.queue.filter((id) => !ids.has(id));
      for (const { record, channel } of picked) {
        const sent = this.update(record.id, { type: 'submit' }, channel === ANY_CHANNEL ? {} : { channel });
        // The batch delay counts from the recorded send time, the one users see.
        if (sent.priority !== 'user' && sent.submittedAt !== undefined) this.lastBatchSentAt = sent.submittedAt;
      }
      // Write-ahead: the "submitting" marks are on disk before any POST leaves, so a crash reconciles.
      await this.writer.flush();
      if (this.disposed) {
        // Disposed while writing: nothing was sent, so these go back to the queue.
        for (const { record } of picked) this.requeue(record.id);
        return;
      }
      for (const { record, channel } of picked) this.follow(record.id, { submitTo: channel });
    }
    this.scheduleWake();
    this.scheduleRefresh();
  }

  /** Whether the batch pacing settings let another batch job be sent now. */
  private batchMayStart(now: number): boolean {
    const { batchDelayMs, batchSequential } = this.settings;
    if (batchDelayMs > 0 && this.lastBatchSentAt !== undefined && now < this.lastBatchSentAt + batchDelayMs) return false;
    if (batchSequential && this.store.all().some((r) => r.priority !== 'user' && (r.state === 'submitting' || r.state === 'running'))) return false;
    return true;
  }

  private orderedQueue(): JobRecord[] {
    const records = this.queue.map((id) => this.store.get(id)).filter((r): r is JobRecord => r !== undefined && r.state === 'queued');
    // Stable: user jobs first, each group in submission order.
    return [...records.filter((r) => r.priority === 'user'), ...records.filter((r) => r.priority !== 'user')];
  }

  /** Wakes the pump when a 429 backoff ends, or when the batch delay lets the next batch job go. */
  private scheduleWake(): void {
    if (this.disposed || this.queue.length === 0) return;
    const now = this.clock.now();
    const busyEnd = this.scheduler.nextBusyEnd(now);
    const batchReady = this.settings.batchDelayMs > 0 && this.lastBatchSentAt !== undefined ? this.lastBatchSentAt + this.settings.batchDelayMs : undefined;
    const batchWaiting = batchReady !== undefined && batchReady > now && this.queue.some((id) => this.store.get(id)?.priority !== 'user');
    const candidates = [busyEnd, batchWaiting ? batchReady : undefined].filter((t): t is number => t !== undefined);
    if (candidates.length === 0) return;
    const at = Math.min(...candidates);
    if (this.wakeTimer && this.wakeTimer.at <= at) return;
    this.wakeTimer?.cancel();
    const timer = this.clock.setTimeout(() => {
      this.wakeTimer = undefined;
      this.pump();
    }, at - this.clock.now() + 1);
    this.wakeTimer = { cancel: () => timer.cancel(), at };
  }

  /** While jobs wait on a locked channel or on load we did not create, re-read the channels now and then. */
  private scheduleRefresh(): void {
    if (this.disposed || this.refreshTimer || this.queue.length === 0) return;
    if (this.scheduler.lockedChannels().length === 0 && !this.scheduler.hasExternalLoad() && this.scheduler.knowsChannels) return;
    this.refreshTimer = this.clock.setTimeout(() => {
      this.refreshTimer = undefined;
      if (this.disposed) return;
      this.refreshChannels(this.lifetime.signal).catch((error: unknown) => {
        if (!isAbortError(error)) this.logger.debug(`channel refresh failed: ${messageOf(error)}`);
        this.scheduleRefresh();
      });
    }, this.settings.channelRefreshMs);
  }

  // ---- following one job -----------------------------------------------------------------------------

  /** Runs one job's life (submit, stream, poll, reconcile) in the background. */
  private follow(id: string, how: { submitTo?: string; reconcile?: 'restart' | 'ambiguous'; initialDelayMs?: number }): void {
    const controller = new AbortController();
    const onDispose = (): void => controller.abort(this.lifetime.signal.reason);
    this.lifetime.signal.addEventListener('abort', onDispose, { once: true });
    const done = this.runJob(id, how, controller.signal)
      .catch((error: unknown) => {
        if (isAbortError(error) || error instanceof DisposedError || controller.signal.aborted) return;
        this.logger.error(`job ${id}: ${messageOf(error)}`);
        this.update(id, { type: 'fail', reason: error instanceof ApiError ? error.message : `Internal error: ${messageOf(error)}` });
      })
      .finally(() => {
        this.lifetime.signal.removeEventListener('abort', onDispose);
        if (this.tracking.get(id)?.controller === controller) this.tracking.delete(id);
        const record = this.store.get(id);
        if (record && (isTerminal(record.state) || record.state === 'queued')) {
          this.scheduler.release(id);
          this.pump();
        }
      });
    this.tracking.set(id, { controller, done });
  }

  private async runJob(id: string, how: { submitTo?: string; reconcile?: 'restart' | 'ambiguous'; initialDelayMs?: number }, signal: AbortSignal): Promise<void> {
    let reconcile = how.reconcile;
    if (how.submitTo !== undefined) {
      const outcome = await this.submitOnce(id, how.submitTo, signal);
      if (outcome === 'done' || outcome === 'requeued') return;
      if (outcome === 'ambiguous') reconcile = 'ambiguous';
    }
    if (reconcile) {
      const found = await this.reconcile(id, reconcile, signal);
      if (!found) return;
    }
    await this.pollToEnd(id, signal, how.initialDelayMs);
  }

  /**
   * One POST. 'tracking' = the job is known and not finished (poll next); 'done' = terminal;
   * 'requeued' = certainly not accepted, back in the queue; 'ambiguous' = must reconcile.
   */
  private async submitOnce(id: string, channel: string, signal: AbortSignal): Promise<'tracking' | 'done' | 'requeued' | 'ambiguous'> {
    const record = this.mustGet(id);
    const pinned = channel === ANY_CHANNEL ? undefined : channel;
    this.stats.submissions++;
    // The stream, too, ends at the deadline; the poller then takes one last look and gives up.
    const deadline = new AbortController();
    const deadlineTimer = this.clock.setTimeout(() => deadline.abort(new DeadlineError()), (record.submittedAt ?? this.clock.now()) + this.settings.deadlineMs - this.clock.now());
    const streamSignal = AbortSignal.any([signal, deadline.signal]);
    try {
      if (this.settings.useSse) {
        const outcome = await this.client.submitJobStreaming(record.request, {
          replyRef: record.id,
          channel: pinned,
          signal: streamSignal,
          onEvent: (event) => this.onStreamEvent(id, event),
        });
        if (outcome.streamError !== undefined && outcome.jobId === undefined) {
          this.update(id, { type: 'fail', reason: outcome.streamError });
          return 'done';
        }
        if (outcome.job) this.onApiJob(id, outcome.job);
        if (isTerminal(this.mustGet(id).state)) return 'done';
        if (!outcome.terminal) this.stats.streamDrops++;
        if (!this.mustGet(id).jobId && outcome.jobId) this.onApiJob(id, { jobid: outcome.jobId, status: 'created' });
        return 'tracking';
      }
      const job = await this.client.submitJob(record.request, { replyRef: record.id, channel: pinned, signal: streamSignal });
      this.onApiJob(id, job);
      return isTerminal(this.mustGet(id).state) ? 'done' : 'tracking';
    } catch (error) {
      if (signal.aborted) throw error;
      if (deadline.signal.aborted) return this.mustGet(id).jobId ? 'tracking' : 'ambiguous';
      if (isAbortError(error)) throw error;
      return this.onSubmitError(id, channel, error);
    } finally {
      deadlineTimer.cancel();
    }
  }

  private onSubmitError(id: string, channel: string, error: unknown): 'done' | 'requeued' | 'ambiguous' {
    const now = this.clock.now();
    if (error instanceof BusyError) {
      this.stats.busy++;
      this.scheduler.markBusy(channel, now, error.retryAfterMs);
      this.requeue(id);
      // Someone else may be using the channel: learn the real load before the backoff ends.
      this.refreshChannels(this.lifetime.signal).catch(() => undefined);
      return 'requeued';
    }
    if (error instanceof ChannelLockedError) {
      this.stats.locked++;
      const locked = error.channel ?? (channel === ANY_CHANNEL ? undefined : channel);
      if (locked !== undefined) {
        if (this.scheduler.lock(locked, error.serverMessage ?? 'Pending moderation message or CAPTCHA')) {
          this.alert({ kind: 'channelLocked', channel: locked, message: error.message });
          this.emitChannels();
        }
      } else {
        this.refreshChannels(this.lifetime.signal).catch(() => undefined);
        this.scheduler.markBusy(ANY_CHANNEL, now);
      }
      this.requeue(id);
      return 'requeued';
    }
    if (error instanceof NetworkError && error.certainlyNotSent) {
      this.scheduler.markBusy(channel, now);
      this.requeue(id);
      return 'requeued';
    }
    if (error instanceof UnauthorizedError || error instanceof PaymentRequiredError) {
      this.alertAuth(error);
      this.update(id, { type: 'fail', reason: error.message });
      return 'done';
    }
    // The request may have been accepted: a timeout, a reset after sending, a 5xx, an unreadable 201.
    if (error instanceof NetworkError || error instanceof TimeoutError || error instanceof UpstreamError || error instanceof SchemaMismatchError) {
      this.ambiguousCauses.set(id, error);
      this.logger.warn(`job ${id}: the submission's fate is unknown (${error.kind}); looking for it on the service`);
      return 'ambiguous';
    }
    this.update(id, { type: 'fail', reason: error instanceof ApiError ? error.message : messageOf(error), details: error instanceof ApiError ? error.serverMessage : undefined });
    return 'done';
  }

  /** Finds the job a lost POST created (by replyRef among the running jobs). Returns true when found. */
  private async reconcile(id: string, why: 'restart' | 'ambiguous', signal: AbortSignal): Promise<boolean> {
    const record = this.mustGet(id);
    const deadline = (record.submittedAt ?? this.clock.now()) + this.settings.deadlineMs;
    const cause = this.ambiguousCauses.get(id);
    this.ambiguousCauses.delete(id);
    const unreadable = cause instanceof SchemaMismatchError ? cause.message : undefined;
    // Without an answer (timeout, connection lost) the service may still be creating the job: keep looking for twice
    // as long as the request was given before deciding it never arrived. A job that appears later than that (over
    // 3x the request timeout after its POST) can still be sent twice; a longer look only delays honest resends.
    const lookUntil = cause instanceof TimeoutError || cause instanceof NetworkError ? this.clock.now() + Math.max(2 * this.settings.requestTimeoutMs, 2 * this.settings.pollIntervalMs) : 0;
    let wait = this.settings.pollIntervalMs;
    let lookWait = this.settings.pollIntervalMs;
    for (;;) {
      try {
        const job = await findJobByReplyRef(this.client, id, (jobId) => this.store.byJobId(jobId) !== undefined, signal);
        if (job) {
          this.stats.reconciled++;
          this.logger.info(`job ${id}: found on the service as ${job.jobid}`);
          this.onApiJob(id, job);
          return !isTerminal(this.mustGet(id).state);
        }
        if (why === 'restart') {
          // Not running any more, and we cannot tell whether it ever was: never resend on our own.
          this.update(id, { type: 'lose', reason: 'The app stopped while this job was being sent, and no running job carries it. It may have finished or never arrived; check your Midjourney history, then retry if needed.' });
          return false;
        }
        if (record.verb === 'remix' || record.verb === 'variability') {
          // Toggles finish within a second: "not running" may mean "already applied", and a resend would flip it back.
          this.update(id, { type: 'lose', reason: `The answer to this ${record.verb} toggle was lost; it may or may not have been applied. Check with "Show Midjourney Settings" before toggling again.` });
          return false;
        }
        if (unreadable !== undefined) {
          // The service did answer (it may well have accepted the job), we just could not read it: resending could
          // pay twice, and a service that keeps answering like this would be sent the job forever.
          this.update(id, { type: 'lose', reason: `${unreadable} The job may have been accepted; it is not sent again. Check your Midjourney history, then retry if needed.` });
          return false;
        }
        if (this.clock.now() < lookUntil) {
          await sleep(this.clock, Math.min(lookWait, lookUntil - this.clock.now()), signal);
          lookWait = Math.min(this.settings.maxPollIntervalMs, lookWait * 2);
          continue;
        }
        // Not running: it never arrived (a render lives for seconds at the least). Resend.
        this.stats.resubmitted++;
        this.requeue(id);
        return false;
      } catch (error) {
        if (isAbortError(error) || signal.aborted) throw error;
        if (error instanceof UnauthorizedError || error instanceof PaymentRequiredError) this.alertAuth(error);
        if (this.clock.now() + wait > deadline) {
          this.update(id, { type: 'lose', reason: `Could not confirm whether the service accepted this job (${messageOf(error)}).` });
          return false;
        }
        await sleep(this.clock, wait, signal);
        wait = Math.min(this.settings.maxPollIntervalMs, wait * 2);
      }
    }
  }

  private async pollToEnd(id: string, signal: AbortSignal, initialDelayMs?: number): Promise<void> {
    const record = this.mustGet(id);
    if (isTerminal(record.state) || !record.jobId) return;
    const deadline = (record.submittedAt ?? this.clock.now()) + this.settings.deadlineMs;
    const result = await pollJob(record.jobId, {
      client: this.client,
      clock: this.clock,
      logger: this.logger,
      intervalMs: this.settings.pollIntervalMs,
      maxIntervalMs: this.settings.maxPollIntervalMs,
      deadline,
      signal,
      initialDelayMs,
      onJob: (job) => this.onApiJob(id, job),
      onAuthProblem: (error) => this.alertAuth(error),
    });
    if (result.kind === 'gone') this.update(id, { type: 'lose', reason: result.reason });
    else if (result.kind === 'deadline') {
      const minutes = Math.round(this.settings.deadlineMs / 60_000);
      this.update(
        id,
        {
          type: 'lose',
          reason: `No result within ${minutes >= 1 ? `${minutes} minutes` : `${Math.round(this.settings.deadlineMs / 1000)} s`}; the service gives up after 14 minutes. The job may still appear in your Midjourney history.`,
        },
        // Say so when the answers came but could not be read (names the field).
        result.lastError instanceof SchemaMismatchError ? { reasonDetails: result.lastError.message } : {},
      );
    }
  }

  private onStreamEvent(id: string, event: SseEvent): void {
    if (event.event === 'initialized') {
      const record = this.mustGet(id);
      if (!record.jobId) this.onApiJob(id, { jobid: event.jobId, status: 'created' });
    } else if (event.event !== 'error') {
      this.onApiJob(id, event.job);
    }
  }

  /** Folds an API job into the record; frees the slot and downloads results when it ends. */
  private onApiJob(id: string, job: Pick<Job, 'jobid' | 'status'> & Partial<Job>): void {
    const before = this.mustGet(id);
    const first = !before.jobId;
    const after = this.update(id, { type: 'api', job });
    if (first && after.jobId) {
      // The job id is what a restart needs to reattach instead of guessing: write it soon, not in 500 ms.
      this.writer.markDirty(Math.min(ACCEPTED_WRITE_MS, this.settings.persistDelayMs));
      const channel = after.channel ?? channelOfJobId(after.jobId);
      if (channel) {
        this.scheduler.move(id, channel);
        this.scheduler.markAccepted(channel);
      }
      if (this.cancelRequested.has(id) && !isTerminal(after.state)) {
        this.cancelOnService(id, after.jobId).catch((error: unknown) => this.logger.warn(`could not cancel ${after.jobId ?? id}: ${messageOf(error)}`));
      }
    }
    if (isTerminal(after.state) && !isTerminal(before.state)) this.onFinished(after);
  }

  private onFinished(record: JobRecord): void {
    this.scheduler.release(record.id);
    this.cancelRequested.delete(record.id);
    if (record.state === 'completed' && this.media && this.settings.autoDownload) void this.download(record.id);
    this.pump();
  }

  private async download(id: string): Promise<void> {
    const media = this.media;
    const record = this.store.get(id);
    if (!media || !record) return;
    const assets = [...record.assets];
    for (let i = 0; i < assets.length; i++) {
      if (this.disposed) return;
      if (isExpiredDiscordLink(assets[i].url, Date.now())) continue; // the grid link lives 24 h (§3.6)
      try {
        assets[i] = { ...assets[i], cachedPath: await media.get(assets[i].url, this.lifetime.signal) };
      } catch (error) {
        if (isAbortError(error)) return;
        this.logger.warn(`download of ${record.jobId ?? id} #${assets[i].index} failed: ${messageOf(error)}`);
      }
    }
    const latest = this.store.get(id);
    if (latest) this.put({ ...latest, assets });
  }

  private async cancelOnService(id: string, jobId: string): Promise<void> {
    try {
      await this.client.cancelJob(jobId, { signal: this.lifetime.signal });
    } catch (error) {
      if (isAbortError(error)) return;
      // Already finished or unknown: the tracker reports the real end.
      this.logger.info(`cancel of ${jobId}: ${messageOf(error)}`);
      if (!(error instanceof ApiError && (error.status === 400 || error.status === 404 || error.status === 410))) throw error;
      return;
    }
    const tracking = this.tracking.get(id);
    this.update(id, { type: 'cancel', reason: 'Cancelled by you' });
    this.scheduler.release(id);
    tracking?.controller.abort(new DisposedError());
    this.pump();
  }

  // ---- records ------------------------------------------------------------------------------------

  private newRecord(request: JobRequest, options: { priority: 'user' | 'batch'; source?: JobSource; batchId?: string; channel?: string; batchIndex?: number }): JobRecord {
    const now = this.clock.now();
    const record: JobRecord = {
      id: this.newId(),
      request: withChannel(request, options.channel),
      verb: request.verb,
      state: 'queued',
      buttons: [],
      assets: [],
      priority: options.priority,
      createdAt: now,
      updatedAt: now,
    };
    if (options.source) record.source = options.source;
    if (options.batchId) record.batchId = options.batchId;
    if (options.batchIndex !== undefined) record.batchIndex = options.batchIndex;
    if (request.verb === 'button' || request.verb === 'seed') {
      const parent = this.store.byJobId(request.parentJobId);
      if (parent) {
        record.parentId = parent.id;
        if (parent.jobType) record.jobType = parent.jobType;
      }
      if (request.verb === 'button') record.parentButton = request.button;
      record.channel = channelOfJobId(request.parentJobId);
    }
    return record;
  }

  private newId(): string {
    this.sequence++;
    const random = Math.floor(Math.random() * 36 ** 4).toString(36).padStart(4, '0');
    return `mjs-${this.clock.now().toString(36)}-${this.sequence.toString(36)}-${random}`;
  }

  private slotKind(record: JobRecord): SlotKind {
    const parentType = record.request.verb === 'button' || record.request.verb === 'seed' ? (this.store.byJobId(record.request.parentJobId)?.jobType ?? jobTypeOfJobId(record.request.parentJobId)) : undefined;
    return slotKindOf(record.request, parentType);
  }

  private reserveFor(record: JobRecord, channel: string): void {
    this.scheduler.reserve(record.id, channel, record.jobType ?? this.slotKind(record));
  }

  private requeue(id: string): void {
    this.scheduler.release(id);
    if (this.cancelRequested.delete(id)) {
      // Cancelled while its POST was refused: it was never accepted, so it simply ends here.
      this.update(id, { type: 'cancel', reason: 'Cancelled before it was sent' });
      return;
    }
    const record = this.update(id, { type: 'requeue' });
    if (record.state === 'queued' && !this.queue.includes(id)) this.queue.unshift(id);
    this.scheduleWake();
  }

  private update(id: string, event: JobEvent, patch: Partial<JobRecord> = {}): JobRecord {
    const before = this.mustGet(id);
    const after = applyEvent(before, event, this.clock.now());
    if (after === before) return before;
    return this.put({ ...after, ...patch });
  }

  private put(record: JobRecord): JobRecord {
    this.store.upsert(record);
    this.writer.markDirty();
    if (isTerminal(record.state) && record.batchId) this.checkBatch(record.batchId);
    return record;
  }

  private checkBatch(batchId: string): void {
    if (this.finishedBatches.has(batchId)) return;
    const jobs = this.store.all().filter((r) => r.batchId === batchId);
    if (jobs.some((r) => !isTerminal(r.state))) return;
    this.finishedBatches.add(batchId);
    this.alert({ kind: 'batchFinished', batchId, completed: jobs.filter((r) => r.state === 'completed').length, failed: jobs.filter((r) => r.state !== 'completed').length, total: jobs.length });
  }

  private mustGet(id: string): JobRecord {
    const record = this.store.get(id);
    if (!record) throw new Error(`unknown job ${id}`);
    return record;
  }

  /** What is written: everything not finished, plus the newest finished jobs up to maxHistory. */
  private persistable(): JobRecord[] {
    const all = this.store.all();
    const open = all.filter((r) => !isTerminal(r.state));
    const finished = all.filter((r) => isTerminal(r.state)).slice(0, this.settings.maxHistory);
    return [...open, ...finished];
  }

  private alert(alert: EngineAlert): void {
    for (const listener of [...this.alertListeners]) {
      try {
        listener(alert);
      } catch (error) {
        this.logger.warn(`alert listener failed: ${messageOf(error)}`);
      }
    }
  }

  private alertAuth(error: UnauthorizedError | PaymentRequiredError): void {
    if (this.authAlerted) return;
    this.authAlerted = true;
    this.alert(error instanceof UnauthorizedError ? { kind: 'unauthorized', message: error.message } : { kind: 'paymentRequired', message: error.message });
  }

  private emitChannels(): void {
    const channels = this.channels();
    for (const listener of [...this.channelListeners]) {
      try {
        listener(channels);
      } catch (error) {
        this.logger.warn(`channel listener failed: ${messageOf(error)}`);
      }
    }
  }
}

/** Ends a job's stream at its deadline. */
class DeadlineError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('deadline reached');
  }
}

/** Thrown into in-flight work when the engine is disposed; never marks a job failed. */
class DisposedError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('engine disposed');
  }
}

/** The channel a job must run on: its own pin, or its parent's channel for button/seed children. */
function pinnedChannelOf(record: JobRecord): string | undefined {
  const request = record.request;
  if (request.verb === 'button' || request.verb === 'seed') return channelOfJobId(request.parentJobId) ?? record.channel;
  return 'channel' in request && request.channel ? request.channel : undefined;
}

function hasChannelField(request: JobRequest): boolean {
  return request.verb !== 'button' && request.verb !== 'seed';
}

function withChannel(request: JobRequest, channel: string | undefined): JobRequest {
  if (!channel || !hasChannelField(request)) return request;
  return { ...request, channel } as JobRequest;
}

/** Discord attachment links carry their expiry as `ex=<hex seconds>`; past it they answer 404. */
export function isExpiredDiscordLink(url: string, now: number): boolean {
  try {
    const ex = new URL(url).searchParams.get('ex');
    return ex !== null && /^[0-9a-f]+$/i.test(ex) && parseInt(ex, 16) * 1000 < now;
  } catch {
    return false;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
