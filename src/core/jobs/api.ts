// The engine's public face. Every host surface (commands, tree, gallery, CodeLens, CLI) talks to the
// engine only through these interfaces, so they can be built and tested independently.
import type { AiDecision, JobRecord, JobRequest, JobSource } from './model';

export interface Disposable {
  dispose(): void;
}

export type Listener<T> = (event: T) => void;

/** A change to the store: records added or updated (by local id), or removed. */
export interface JobStoreChange {
  upserted: readonly JobRecord[];
  removed: readonly string[];
}

/** Read side of the job history; the engine is the only writer. */
export interface JobStoreReader {
  /** All jobs, newest first. */
  all(): readonly JobRecord[];
  get(id: string): JobRecord | undefined;
  byJobId(jobId: string): JobRecord | undefined;
  /** Children of a job (button/seed jobs whose parentId is `id`), oldest first. */
  children(id: string): readonly JobRecord[];
  /** Jobs whose prompt contains `text` (case-insensitive), newest first. */
  search(text: string): readonly JobRecord[];
  onDidChange(listener: Listener<JobStoreChange>): Disposable;
}

export interface SubmitOptions {
  priority?: 'user' | 'batch';
  source?: JobSource;
  batchId?: string;
  /** Pin to a channel (otherwise the scheduler picks one with room). */
  channel?: string;
}

export interface SubmitBatchOptions {
  /**
   * Use this batch id instead of a new one. Jobs of the batch already in the store keep their place:
   * entries whose index (position in `requests`) is already recorded are not queued again, so a
   * restarted run resumes instead of resubmitting.
   */
  batchId?: string;
  priority?: 'user' | 'batch';
}

/** Capacity and health of one channel as the scheduler sees it. */
export interface ChannelState {
  channel: string;
  maxJobs: number;
  maxImageJobs: number;
  maxVideoJobs: number;
  running: { total: number; images: number; videos: number };
  /** Set while the channel is locked by a pending moderation message or CAPTCHA (HTTP 596). */
  lockedReason?: string;
  /** Discord token as the service shows it (redacted, e.g. "MTI...xyz"). */
  discord?: string;
}

export interface AccountInput {
  discord: string;
  maxJobs?: number;
  maxImageJobs?: number;
  maxVideoJobs?: number;
  replyUrl?: string;
}

/** Something the user must act on; the host turns these into notifications. */
export type EngineAlert =
  | { kind: 'unauthorized'; message: string }
  | { kind: 'paymentRequired'; message: string }
  | { kind: 'channelLocked'; channel: string; message: string }
  | { kind: 'channelResumed'; channel: string }
  | { kind: 'batchFinished'; batchId: string; completed: number; failed: number; total: number };

export interface JobEngineApi {
  readonly store: JobStoreReader;
  /** Queue a job; resolves once it is recorded (not when it finishes). */
  submit(request: JobRequest, options?: SubmitOptions): Promise<JobRecord>;
  /** Queue many jobs as one batch; returns the batch id. */
  submitBatch(
    requests: readonly { request: JobRequest; source?: JobSource; channel?: string }[],
    options?: SubmitBatchOptions,
  ): Promise<{ batchId: string; jobs: JobRecord[] }>;
  /** Resolves when the job reaches a terminal state (or rejects if `signal` aborts). */
  waitFor(id: string, signal?: AbortSignal): Promise<JobRecord>;
  /** Cancel a queued job, or a running one (DELETE /jobs/{id}). */
  cancel(id: string): Promise<void>;
  /** Queue a new job with the same request as a finished one. */
  retry(id: string): Promise<JobRecord>;
  pauseQueue(): void;
  resumeQueue(): void;
  readonly queuePaused: boolean;
  /** Cancel every queued (not yet submitted) job, optionally only of one batch. */
  cancelQueue(batchId?: string): Promise<number>;
  /** Attach a note to a job (persisted, announced like any change); undefined for an unknown id. */
  annotate(id: string, note: { ai?: AiDecision }): Promise<JobRecord | undefined>;
  /** Remove finished jobs from the history. */
  clearHistory(): Promise<number>;

  channels(): readonly ChannelState[];
  /** Re-read accounts and running jobs from the service. */
  refreshChannels(signal?: AbortSignal): Promise<readonly ChannelState[]>;
  onDidChangeChannels(listener: Listener<readonly ChannelState[]>): Disposable;
  configureAccount(input: AccountInput, signal?: AbortSignal): Promise<ChannelState>;
  deleteAccount(channel: string, signal?: AbortSignal): Promise<void>;
  /** POST /accounts/reset/{channel}; resumes jobs waiting for that channel. */
  resetChannel(channel: string, signal?: AbortSignal): Promise<void>;

  onAlert(listener: Listener<EngineAlert>): Disposable;
  /** Stop tracking (streams closed, state flushed) without cancelling anything on the service. */
  dispose(): Promise<void>;
}
