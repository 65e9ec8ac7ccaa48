// The words of a prompt's live status lens: "queued", "45 %", "moderated", "4 results".
import type { JobRecord } from '../jobs/model';

function resultCount(job: Pick<JobRecord, 'assets'>): number {
  const singles = job.assets.filter((a) => a.kind !== 'grid').length;
  return singles > 0 ? singles : job.assets.length;
}

function one(job: Pick<JobRecord, 'state' | 'progress' | 'assets' | 'reason'>): string {
  switch (job.state) {
    case 'queued': return 'queued';
    case 'submitting': return 'sending…';
    case 'running': return job.progress !== undefined ? `${Math.round(job.progress)} %` : 'started';
    case 'completed': {
      const n = resultCount(job);
      return `${n} result${n === 1 ? '' : 's'}`;
    }
    case 'moderated': return job.reason ? `moderated: ${job.reason}` : 'moderated';
    case 'failed': return job.reason ? `failed: ${job.reason}` : 'failed';
    case 'cancelled': return 'cancelled';
    case 'lost': return job.reason ? `lost: ${job.reason}` : 'lost';
  }
}

/** A one-line summary of the jobs started from one prompt (newest run first), or undefined. */
export function promptStatus(jobs: readonly Pick<JobRecord, 'state' | 'progress' | 'assets' | 'reason'>[]): string | undefined {
  if (jobs.length === 0) return undefined;
  if (jobs.length === 1) return one(jobs[0]);
  const count = (s: JobRecord['state']): number => jobs.filter((j) => j.state === s).length;
  const parts: string[] = [];
  const running = jobs.filter((j) => j.state === 'running' || j.state === 'submitting');
  if (running.length > 0) {
    const progress = running.map((j) => j.progress ?? 0);
    parts.push(`${running.length} running (${Math.round(Math.min(...progress))} %)`);
  }
  if (count('queued')) parts.push(`${count('queued')} queued`);
  const done = jobs.filter((j) => j.state === 'completed');
  if (done.length) parts.push(`${done.length} done · ${done.reduce((n, j) => n + resultCount(j), 0)} results`);
  if (count('moderated')) parts.push(`${count('moderated')} moderated`);
  if (count('failed')) parts.push(`${count('failed')} failed`);
  if (count('cancelled')) parts.push(`${count('cancelled')} cancelled`);
  if (count('lost')) parts.push(`${count('lost')} lost`);
  return parts.join(', ');
}

/** The jobs of the latest run of each prompt line of a file (a batch run counts as one run). */
export function latestRunsByLine<T extends Pick<JobRecord, 'source' | 'createdAt' | 'batchId'>>(records: readonly T[], file: string): Map<number, T[]> {
  const byLine = new Map<number, T[]>();
  for (const r of records) {
    if (r.source?.file !== file) continue;
    const list = byLine.get(r.source.line);
    if (list) list.push(r);
    else byLine.set(r.source.line, [r]);
  }
  for (const [line, list] of byLine) {
    const newest = list.reduce((a, b) => (b.createdAt > a.createdAt ? b : a));
    byLine.set(line, newest.batchId ? list.filter((r) => r.batchId === newest.batchId) : [newest]);
  }
  return byLine;
}
