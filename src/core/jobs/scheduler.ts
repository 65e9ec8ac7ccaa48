// Capacity bookkeeping (CONTRACT.md §6): per-channel limits learned from GET /accounts and GET /jobs,
// our own reservations, load we did not create, 429 backoff and 596 locks. Pure: time is passed in.
import type { AccountsMap, RunningJobs } from '../api/schemas';
import type { ChannelState } from './api';
import type { JobRequest, JobType } from './model';

/** Which budget a job draws from; settings-type commands take no slot (§15 #12). */
export type SlotKind = JobType | 'none';

/** Key of the pool used while no channel is known: jobs are sent without `channel`. */
export const ANY_CHANNEL = '';

interface Load {
  total: number;
  images: number;
  videos: number;
}

interface ChannelBook {
  channel: string;
  maxJobs: number;
  maxImageJobs: number;
  maxVideoJobs: number;
  /** Load on the service we did not create (other windows, other tools). */
  external: Load;
  lockedReason?: string;
  discord?: string;
  /** No submission before this time (429 backoff). */
  busyUntil: number;
  busyAttempts: number;
}

export interface Reservation {
  channel: string;
  kind: SlotKind;
}

export interface SchedulerOptions {
  /** Ceiling across all channels (0 = the channels' own limits). */
  maxConcurrentJobs?: number;
  /** Limits assumed while the service has not told us any (the documented defaults, §6). */
  defaultLimits?: { maxJobs: number; maxImageJobs: number; maxVideoJobs: number };
  /** First 429 backoff; doubles per attempt up to `backoffMaxMs`, with jitter (§8). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  random?: () => number;
}

/** The slot a request will use (imagine with `--video`, Animate/Extend buttons → video). */
export function slotKindOf(request: JobRequest, parentType?: JobType): SlotKind {
  switch (request.verb) {
    case 'imagine':
      return /(^|\s)--video\b/.test(request.prompt) ? 'video' : 'image';
    case 'button':
      return /^(Animate|Extend)\b/.test(request.button) ? 'video' : parentType ?? 'image';
    case 'seed':
    case 'describe':
    case 'blend':
      return 'image';
    default:
      return 'none';
  }
}

export class JobScheduler {
  private readonly books = new Map<string, ChannelBook>();
  private readonly reservations = new Map<string, Reservation>();
  private readonly options: Required<SchedulerOptions>;

  constructor(options: SchedulerOptions = {}) {
    this.options = {
      maxConcurrentJobs: options.maxConcurrentJobs ?? 0,
      defaultLimits: options.defaultLimits ?? { maxJobs: 3, maxImageJobs: 3, maxVideoJobs: 3 },
      backoffBaseMs: options.backoffBaseMs ?? 5_000,
      backoffMaxMs: options.backoffMaxMs ?? 60_000,
      random: options.random ?? Math.random,
    };
  }

  /** True once the service told us at least one channel. */
  get knowsChannels(): boolean {
    return [...this.books.keys()].some((c) => c !== ANY_CHANNEL);
  }

  /** Limits and lock state from GET /accounts. Channels no longer listed are dropped. */
  learnAccounts(accounts: AccountsMap): void {
    const seen = new Set<string>();
    for (const [key, account] of Object.entries(accounts)) {
      const channel = account.channel || key;
      seen.add(channel);
      const book = this.book(channel);
      book.maxJobs = account.maxJobs;
      book.maxImageJobs = account.maxImageJobs;
      book.maxVideoJobs = account.maxVideoJobs;
      book.discord = account.discord;
      book.lockedReason = account.error || undefined;
    }
    for (const channel of [...this.books.keys()]) if (channel !== ANY_CHANNEL && !seen.has(channel)) this.books.delete(channel);
    if (seen.size > 0) this.books.delete(ANY_CHANNEL);
  }

  /** Limits and current load from GET /jobs; load beyond our own reservations counts as external. */
  learnRunning(running: RunningJobs): void {
    for (const [channel, entry] of Object.entries(running.channels)) {
      const book = this.book(channel);
      book.maxJobs = entry.maxJobs;
      book.maxImageJobs = entry.maxImageJobs;
      book.maxVideoJobs = entry.maxVideoJobs;
      const ours = this.ourLoad(channel);
      book.external = {
        total: Math.max(0, entry.total - ours.total),
        images: Math.max(0, entry.images - ours.images),
        videos: Math.max(0, entry.videos - ours.videos),
      };
    }
  }

  /** True when some channel carries load we did not create (worth re-reading GET /jobs later). */
  hasExternalLoad(): boolean {
    return [...this.books.values()].some((b) => b.external.total > 0);
  }

  /**
   * A channel with room for a job of `kind`, or undefined when it must wait. `pinned` restricts the
   * choice (button/seed children, a user-pinned channel). Returns ANY_CHANNEL while no channel is known.
   */
  pick(kind: SlotKind, pinned: string | undefined, now: number): string | undefined {
    if (kind !== 'none' && this.options.maxConcurrentJobs > 0 && this.ourTotal() >= this.options.maxConcurrentJobs) return undefined;
    if (!this.knowsChannels) {
      const pool = this.book(ANY_CHANNEL);
      if (pool.busyUntil > now || pool.lockedReason) return undefined;
      return this.fits(pool, kind) ? (pinned ?? ANY_CHANNEL) : undefined;
    }
    const candidates = pinned !== undefined ? [this.books.get(pinned)].filter((b): b is ChannelBook => b !== undefined) : [...this.books.values()];
    let best: ChannelBook | undefined;
    let bestRoom = -1;
    for (const book of candidates) {
      if (book.lockedReason || book.busyUntil > now || !this.fits(book, kind)) continue;
      const room = book.maxJobs - this.ourLoad(book.channel).total - book.external.total;
      if (room > bestRoom) {
        best = book;
        bestRoom = room;
      }
    }
    // A pinned channel the service never listed: let the service decide (it answers 400/429/596).
    if (!best && pinned !== undefined && !this.books.has(pinned)) return pinned;
    return best?.channel;
  }

  reserve(jobId: string, channel: string, kind: SlotKind): void {
    this.reservations.set(jobId, { channel, kind });
  }

  /** Moves a reservation to the channel the service actually chose. */
  move(jobId: string, channel: string): void {
    const reservation = this.reservations.get(jobId);
    if (reservation && reservation.channel !== channel) {
      reservation.channel = channel;
      this.book(channel);
    }
  }

  release(jobId: string): void {
    this.reservations.delete(jobId);
  }

  reservationOf(jobId: string): Reservation | undefined {
    return this.reservations.get(jobId);
  }

  /** A 429: no submission to `channel` (or anywhere, for ANY_CHANNEL) before the returned time. */
  markBusy(channel: string, now: number, retryAfterMs?: number): number {
    const books = channel === ANY_CHANNEL ? [...this.books.values()] : [this.book(channel)];
    if (books.length === 0) books.push(this.book(ANY_CHANNEL));
    let until = now;
    for (const book of books) {
      const exponential = Math.min(this.options.backoffMaxMs, this.options.backoffBaseMs * 2 ** book.busyAttempts);
      const jittered = exponential * (0.5 + this.options.random() * 0.5);
      book.busyAttempts++;
      book.busyUntil = now + Math.max(jittered, retryAfterMs ?? 0);
      until = Math.max(until, book.busyUntil);
    }
    return until;
  }

  /** A submission got through: the backoff of that channel starts over. */
  markAccepted(channel: string): void {
    const book = this.books.get(channel);
    if (book) {
      book.busyAttempts = 0;
      book.busyUntil = 0;
    }
    const pool = this.books.get(ANY_CHANNEL);
    if (pool) {
      pool.busyAttempts = 0;
      pool.busyUntil = 0;
    }
  }

  /** Earliest time a backoff ends, for the wake-up timer. */
  nextBusyEnd(now: number): number | undefined {
    let next: number | undefined;
    for (const book of this.books.values()) if (book.busyUntil > now) next = next === undefined ? book.busyUntil : Math.min(next, book.busyUntil);
    return next;
  }

  /** Locks a channel (596); returns true when it was not locked before. */
  lock(channel: string, reason: string): boolean {
    const book = this.book(channel);
    const wasLocked = book.lockedReason !== undefined;
    book.lockedReason = reason;
    return !wasLocked;
  }

  /** Clears a lock; returns true when the channel was locked. */
  unlock(channel: string): boolean {
    const book = this.books.get(channel);
    if (!book?.lockedReason) return false;
    book.lockedReason = undefined;
    return true;
  }

  isLocked(channel: string): boolean {
    return this.books.get(channel)?.lockedReason !== undefined;
  }

  lockedChannels(): string[] {
    return [...this.books.values()].filter((b) => b.lockedReason !== undefined && b.channel !== ANY_CHANNEL).map((b) => b.channel);
  }

  /** Channels as the host shows them. */
  snapshot(): ChannelState[] {
    return [...this.books.values()]
      .filter((b) => b.channel !== ANY_CHANNEL)
      .map((b) => {
        const ours = this.ourLoad(b.channel);
        return {
          channel: b.channel,
          maxJobs: b.maxJobs,
          maxImageJobs: b.maxImageJobs,
          maxVideoJobs: b.maxVideoJobs,
          running: { total: ours.total + b.external.total, images: ours.images + b.external.images, videos: ours.videos + b.external.videos },
          lockedReason: b.lockedReason,
          discord: b.discord,
        };
      });
  }

  private fits(book: ChannelBook, kind: SlotKind): boolean {
    if (kind === 'none') return true;
    const ours = this.ourLoad(book.channel);
    if (ours.total + book.external.total >= book.maxJobs) return false;
    if (kind === 'image') return ours.images + book.external.images < book.maxImageJobs;
    return ours.videos + book.external.videos < book.maxVideoJobs;
  }

  private ourLoad(channel: string): Load {
    const load: Load = { total: 0, images: 0, videos: 0 };
    for (const reservation of this.reservations.values()) {
      if (reservation.channel !== channel || reservation.kind === 'none') continue;
      load.total++;
      if (reservation.kind === 'image') load.images++;
      else load.videos++;
    }
    return load;
  }

  private ourTotal(): number {
    let total = 0;
    for (const reservation of this.reservations.values()) if (reservation.kind !== 'none') total++;
    return total;
  }

  private book(channel: string): ChannelBook {
    let book = this.books.get(channel);
    if (!book) {
      book = { channel, ...this.options.defaultLimits, external: { total: 0, images: 0, videos: 0 }, busyUntil: 0, busyAttempts: 0 };
      this.books.set(channel, book);
    }
    return book;
  }
}
