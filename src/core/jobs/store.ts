// The job history every face reads. The engine is the only writer; readers get typed change events.
import type { Disposable, JobStoreChange, JobStoreReader, Listener } from './api';
import type { JobRecord } from './model';
import { promptOf } from './model';

export class JobStore implements JobStoreReader {
  private readonly records = new Map<string, JobRecord>();
  private readonly idsByJobId = new Map<string, string>();
  private readonly listeners = new Set<Listener<JobStoreChange>>();

  all(): readonly JobRecord[] {
    return [...this.records.values()].sort(newestFirst);
  }

  get(id: string): JobRecord | undefined {
    return this.records.get(id);
  }

  byJobId(jobId: string): JobRecord | undefined {
    const id = this.idsByJobId.get(jobId);
    return id === undefined ? undefined : this.records.get(id);
  }

  children(id: string): readonly JobRecord[] {
    return [...this.records.values()].filter((r) => r.parentId === id).sort((a, b) => -newestFirst(a, b));
  }

  /** The chain of ancestors of a job, nearest parent first. */
  ancestors(id: string): readonly JobRecord[] {
    const chain: JobRecord[] = [];
    const seen = new Set<string>([id]);
    let parentId = this.records.get(id)?.parentId;
    while (parentId !== undefined && !seen.has(parentId)) {
      const parent = this.records.get(parentId);
      if (!parent) break;
      chain.push(parent);
      seen.add(parentId);
      parentId = parent.parentId;
    }
    return chain;
  }

  search(text: string): readonly JobRecord[] {
    const needle = text.trim().toLowerCase();
    if (!needle) return this.all();
    return this.all().filter((r) => promptOf(r).toLowerCase().includes(needle) || (r.echoedPrompt ?? '').toLowerCase().includes(needle));
  }

  onDidChange(listener: Listener<JobStoreChange>): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Adds or replaces records and tells the listeners. */
  upsert(...records: JobRecord[]): void {
    if (records.length === 0) return;
    for (const record of records) {
      const previous = this.records.get(record.id);
      if (previous?.jobId && previous.jobId !== record.jobId) this.idsByJobId.delete(previous.jobId);
      this.records.set(record.id, record);
      if (record.jobId) this.idsByJobId.set(record.jobId, record.id);
    }
    this.emit({ upserted: records, removed: [] });
  }

  remove(ids: readonly string[]): void {
    const removed: string[] = [];
    for (const id of ids) {
      const record = this.records.get(id);
      if (!record) continue;
      this.records.delete(id);
      if (record.jobId) this.idsByJobId.delete(record.jobId);
      removed.push(id);
    }
    if (removed.length > 0) this.emit({ upserted: [], removed });
  }

  private emit(change: JobStoreChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch {
        // a faulty listener must not break the engine
      }
    }
  }
}

function newestFirst(a: JobRecord, b: JobRecord): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}
