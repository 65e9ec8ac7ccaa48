// Test and demo controls (CONTRACT.md §14 #27), outside the contract: in-process through SimulatorAdmin,
// over HTTP under /__sim/ (no auth). Both drive the same service state.
import { z } from 'zod';
import { describeZodError } from '../core/api/schemas';
import type { SimTime } from './clock';
import type { ForcedOutcome, MidjourneyService, SimulatorCounters } from './service';

export interface SimulatorAdmin {
  /** Lock a channel as if Midjourney showed a moderation message / CAPTCHA: jobs on it get 596. */
  lockChannel(channel: string, reason?: string): void;
  /** Clear the lock (same as `POST /accounts/reset/{channel}`). */
  unlockChannel(channel: string): void;
  /** The next `count` job POSTs get 429. */
  force429(count: number): void;
  /** Every API request fails with `status` (default 503) with probability `rate` (0..1). */
  set5xxRate(rate: number, status?: number): void;
  /**
   * The next `count` job POSTs lose their connection. `beforeAccept`: no job is created.
   * `afterAccept`: the job is created and runs normally, but the socket closes without an answer.
   */
  resetConnection(options: { when: 'beforeAccept' | 'afterAccept'; count: number }): void;
  /**
   * The next `count` SSE streams of new jobs are cut after `afterEvents` messages; their jobs freeze (§14 #19).
   * With `error`, the stream instead ends cleanly with `{"event":"error","error":…}` (§15 #11); the job freezes too.
   */
  dropSse(options: { afterEvents: number; count: number; error?: string }): void;
  /** Delay the next `count` requests (default: all) by `ms` real milliseconds; `ms` 0 turns it off. */
  slowResponses(ms: number, count?: number): void;
  /**
   * The next `count` job POSTs are read at once but the job is created only `ms` real milliseconds later, whether
   * or not the client is still waiting (a slow service that does not notice a client giving up).
   */
  acceptLate(ms: number, count: number): void;
  /** Jobs whose prompt contains `match` end with this outcome (until reset). */
  forceOutcome(match: string, outcome: ForcedOutcome): void;
  /** Answer 402 to every authenticated request. */
  setPaymentRequired(required: boolean): void;
  /** Extras on 429 answers: a `Retry-After` header (+ `retry_after` field) and/or `executingJobs`. */
  set429Details(options: { retryAfterSeconds?: number; executingJobs?: boolean }): void;
  /** Webhooks send `{event, job, seq, ts}` instead of the bare job. */
  setWebhookEnvelope(enabled: boolean): void;
  /** Move simulated time forward (e.g. past the 24 h Discord link lifetime or the 62-day job expiry). */
  advanceTime(simMs: number): void;
  /** Ids of the configured channels. */
  channels(): string[];
  counters(): SimulatorCounters;
  /** Faults off, counters zero, jobs forgotten, pre-configured channels restored. */
  reset(): void;
}

export function createAdmin(service: MidjourneyService, time: SimTime): SimulatorAdmin {
  const nonNegativeInt = (value: number, name: string): number => {
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
    return value;
  };
  return {
    lockChannel: (channel, reason) => service.lockChannel(channel, reason),
    unlockChannel: (channel) => service.unlockChannel(channel),
    force429: (count) => {
      service.faults.force429 = nonNegativeInt(count, 'count');
    },
    set5xxRate: (rate, status = 503) => {
      if (!(rate >= 0 && rate <= 1)) throw new Error('rate must be between 0 and 1');
      if (!Number.isInteger(status) || status < 500 || status > 599) throw new Error('status must be 5xx');
      service.faults.rate5xx = rate;
      service.faults.status5xx = status;
    },
    resetConnection: ({ when, count }) => {
      if (when === 'beforeAccept') service.faults.resetBeforeAccept = nonNegativeInt(count, 'count');
      else service.faults.resetAfterAccept = nonNegativeInt(count, 'count');
    },
    dropSse: ({ afterEvents, count, error }) => {
      service.faults.dropSse = { afterEvents: nonNegativeInt(afterEvents, 'afterEvents'), count: nonNegativeInt(count, 'count'), error };
    },
    slowResponses: (ms, count) => {
      service.faults.slow = { ms: Math.max(0, ms), remaining: count === undefined ? Number.POSITIVE_INFINITY : nonNegativeInt(count, 'count') };
    },
    acceptLate: (ms, count) => {
      service.faults.acceptLate = { ms: Math.max(0, ms), remaining: nonNegativeInt(count, 'count') };
    },
    forceOutcome: (match, outcome) => {
      if (match === '') throw new Error('match must not be empty');
      service.faults.outcomes.push({ match, outcome });
    },
    setPaymentRequired: (required) => {
      service.faults.paymentRequired = required;
    },
    set429Details: ({ retryAfterSeconds, executingJobs }) => {
      service.faults.retryAfterSeconds = retryAfterSeconds;
      service.faults.executingJobsIn429 = executingJobs ?? false;
    },
    setWebhookEnvelope: (enabled) => {
      service.faults.webhookEnvelope = enabled;
    },
    advanceTime: (simMs) => time.advance(simMs),
    channels: () => [...service.channels.keys()],
    counters: () => service.counters(),
    reset: () => service.reset(),
  };
}

const count = z.number().int().min(0);

type AdminAnswer = { status: number; body: unknown } | undefined;

/** A POST route: validate the JSON body with `schema`, then apply it (errors → 400). */
function route<S extends z.ZodType>(schema: S, apply: (admin: SimulatorAdmin, input: z.infer<S>) => void): (admin: SimulatorAdmin, body: unknown) => AdminAnswer {
  return (admin, body) => {
    const parsed = schema.safeParse(body);
    if (!parsed.success) return { status: 400, body: { error: describeZodError(parsed.error) } };
    try {
      apply(admin, parsed.data);
    } catch (error) {
      return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
    }
    return undefined;
  };
}

const adminRoutes: Record<string, (admin: SimulatorAdmin, body: unknown) => AdminAnswer> = {
  lock: route(z.object({ channel: z.string(), reason: z.string().optional() }), (a, i) => a.lockChannel(i.channel, i.reason)),
  unlock: route(z.object({ channel: z.string() }), (a, i) => a.unlockChannel(i.channel)),
  'force-429': route(z.object({ count }), (a, i) => a.force429(i.count)),
  '5xx': route(z.object({ rate: z.number().min(0).max(1), status: z.number().int().min(500).max(599).optional() }), (a, i) => a.set5xxRate(i.rate, i.status)),
  'reset-connection': route(z.object({ when: z.enum(['beforeAccept', 'afterAccept']), count }), (a, i) => a.resetConnection(i)),
  'drop-sse': route(z.object({ afterEvents: count, count, error: z.string().optional() }), (a, i) => a.dropSse(i)),
  slow: route(z.object({ ms: z.number().min(0), count: count.optional() }), (a, i) => a.slowResponses(i.ms, i.count)),
  'accept-late': route(z.object({ ms: z.number().min(0), count }), (a, i) => a.acceptLate(i.ms, i.count)),
  'force-outcome': route(
    z.object({ match: z.string().min(1), status: z.enum(['failed', 'moderated']), error: z.string(), errorDetails: z.string().optional() }),
    (a, i) => a.forceOutcome(i.match, { status: i.status, error: i.error, errorDetails: i.errorDetails }),
  ),
  'payment-required': route(z.object({ required: z.boolean() }), (a, i) => a.setPaymentRequired(i.required)),
  '429-details': route(z.object({ retryAfterSeconds: z.number().min(0).optional(), executingJobs: z.boolean().optional() }), (a, i) => a.set429Details(i)),
  'webhook-envelope': route(z.object({ enabled: z.boolean() }), (a, i) => a.setWebhookEnvelope(i.enabled)),
  'advance-time': route(z.object({ ms: z.number().min(0) }), (a, i) => a.advanceTime(i.ms)),
  reset: route(z.object({}), (a) => a.reset()),
};

/**
 * `/__sim/<route>`: GET counters|channels; POST one of `adminRoutes` with a JSON body.
 * Returns undefined for 204, otherwise a status and JSON body.
 */
export function handleAdminRequest(admin: SimulatorAdmin, method: string, name: string, body: unknown): AdminAnswer {
  if (method === 'GET' && name === 'counters') return { status: 200, body: admin.counters() };
  if (method === 'GET' && name === 'channels') return { status: 200, body: admin.channels() };
  const handler = Object.hasOwn(adminRoutes, name) ? adminRoutes[name] : undefined;
  if (method !== 'POST' || !handler) {
    return { status: 404, body: { error: `Unknown admin route ${method} /__sim/${name}`, routes: ['GET counters', 'GET channels', ...Object.keys(adminRoutes).map((r) => `POST ${r}`)] } };
  }
  return handler(admin, body);
}
