// Saves the job history (queue, in-flight jobs, finished jobs) through the KeyValueStore port, batched:
// many changes in a short window become one write.
import type { Clock, KeyValueStore, Logger } from '../ports';
import type { JobRecord, JobState } from './model';

export const JOBS_KEY = 'midjourney.jobs.v1';

const KNOWN_STATES: ReadonlySet<string> = new Set<JobState>(['queued', 'submitting', 'running', 'completed', 'moderated', 'failed', 'cancelled', 'lost']);

interface PersistedJobs {
  version: 1;
  records: JobRecord[];
}

export function loadJobRecords(kv: KeyValueStore): JobRecord[] {
  const stored = kv.get<PersistedJobs>(JOBS_KEY);
  if (!stored || stored.version !== 1 || !Array.isArray(stored.records)) return [];
  // A record in a state this version does not know would never end (and a resumed run would wait on it).
  return stored.records.filter((r) => r && typeof r.id === 'string' && KNOWN_STATES.has(r.state) && r.request !== undefined && typeof r.request === 'object');
}

export class BatchedJobWriter {
  private timer: { cancel(): void } | undefined;
  private due = 0;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    private readonly kv: KeyValueStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly snapshot: () => JobRecord[],
    private readonly delayMs: number,
  ) {}

  /** Schedules a write within `delayMs` (or sooner when asked); repeated calls in that window share it. */
  markDirty(withinMs = this.delayMs): void {
    this.dirty = true;
    const due = this.clock.now() + withinMs;
    if (this.timer && this.due <= due) return;
    this.timer?.cancel();
    this.due = due;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, withinMs);
  }

  /** Writes now if anything changed (used before a POST, so a crash can be reconciled, and on dispose). */
  async flush(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    // Writes are serialized so an older snapshot never lands after a newer one.
    const run = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      try {
        await this.kv.set(JOBS_KEY, { version: 1, records: this.snapshot() } satisfies PersistedJobs);
      } catch (error) {
        this.dirty = true;
        this.logger.error(`could not save the job history: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    this.writing = run;
    return run;
  }
}
