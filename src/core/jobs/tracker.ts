// Follows a job that has no live stream (the stream dropped, or the engine restarted): polls
// GET /jobs/{id} with backoff until a terminal state or the deadline, and finds the job a POST
// created when the POST's answer was lost (reconciliation by replyRef, CONTRACT.md §2 + §11).
import type { ApiClient } from '../api/client';
import { ExpiredError, NotFoundError, UnauthorizedError, PaymentRequiredError, isAbortError } from '../api/errors';
import type { Job } from '../api/schemas';
import { TERMINAL_API_STATUSES } from '../api/schemas';
import type { Clock, Logger } from '../ports';

/** Resolves after `ms` on `clock`, or rejects with the signal's reason when it aborts first. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return;
    }
    const onAbort = (): void => {
      timer.cancel();
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface PollOptions {
  client: ApiClient;
  clock: Clock;
  logger: Logger;
  /** First wait between polls; grows ×1.5 up to `maxIntervalMs`. */
  intervalMs: number;
  maxIntervalMs: number;
  /** Give up at this time (epoch ms on `clock`). */
  deadline: number;
  signal: AbortSignal;
  /** Wait before the first poll (0 right after a dropped stream is wasteful: the job just changed). */
  initialDelayMs?: number;
  onJob: (job: Job) => void;
  /** Called once for errors the user must act on (401, 402). */
  onAuthProblem?: (error: UnauthorizedError | PaymentRequiredError) => void;
}

export type PollResult =
  | { kind: 'terminal'; job: Job }
  | { kind: 'deadline'; job: Job | undefined; lastError?: unknown }
  | { kind: 'gone'; reason: string };

/** Polls until the job is terminal, unknown to the service, or the deadline passes. */
export async function pollJob(jobId: string, options: PollOptions): Promise<PollResult> {
  const { clock } = options;
  let interval = options.intervalMs;
  let last: Job | undefined;
  let lastError: unknown;
  let wait = options.initialDelayMs ?? interval;
  for (;;) {
    const remaining = options.deadline - clock.now();
    if (remaining <= 0) break;
    await sleep(clock, Math.min(wait, remaining), options.signal);
    try {
      last = await options.client.getJob(jobId, { signal: options.signal });
      options.onJob(last);
      lastError = undefined;
      if (TERMINAL_API_STATUSES.has(last.status)) return { kind: 'terminal', job: last };
    } catch (error) {
      if (isAbortError(error) || options.signal.aborted) throw error;
      lastError = error;
      if (error instanceof NotFoundError) return { kind: 'gone', reason: 'The service no longer knows this job (404).' };
      if (error instanceof ExpiredError) return { kind: 'gone', reason: 'The job expired on the service (410).' };
      if (error instanceof UnauthorizedError || error instanceof PaymentRequiredError) options.onAuthProblem?.(error);
      options.logger.debug(`poll of ${jobId} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    wait = interval;
    interval = Math.min(options.maxIntervalMs, Math.round(interval * 1.5));
  }
  // One last look at the deadline, so a job that finished in the final interval is not called lost.
  try {
    last = await options.client.getJob(jobId, { signal: options.signal });
    options.onJob(last);
    if (TERMINAL_API_STATUSES.has(last.status)) return { kind: 'terminal', job: last };
  } catch (error) {
    if (isAbortError(error) || options.signal.aborted) throw error;
    lastError = error;
  }
  return { kind: 'deadline', job: last, lastError };
}

/**
 * Finds the running job whose `request.replyRef` is `replyRef`: GET /jobs, then GET /jobs/{id} for each
 * running job not already known locally. Undefined when no running job carries it.
 */
export async function findJobByReplyRef(
  client: ApiClient,
  replyRef: string,
  isKnownJobId: (jobId: string) => boolean,
  signal: AbortSignal,
): Promise<Job | undefined> {
  const running = await client.listRunningJobs({ signal });
  const candidates: string[] = [];
  for (const channel of Object.values(running.channels)) for (const entry of channel.jobs) if (!isKnownJobId(entry.jobId)) candidates.push(entry.jobId);
  for (const jobId of candidates) {
    try {
      const job = await client.getJob(jobId, { signal });
      if (job.request.replyRef === replyRef || job.response?.replyRef === replyRef) return job;
    } catch (error) {
      if (isAbortError(error) || signal.aborted) throw error;
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  return undefined;
}
