// Live progress on a TTY: one line redrawn in place. Off a TTY nothing is drawn (the CLI prints a
// line per finished job instead).
import type { JobRecord } from '../core/jobs/model';

export interface ProgressCounts {
  total: number;
  completed: number;
  failed: number;
  running: number;
  queued: number;
  /** Mean progress (0–100) of the running jobs. */
  runningPercent: number;
}

export function countJobs(jobs: readonly JobRecord[]): ProgressCounts {
  const counts: ProgressCounts = { total: jobs.length, completed: 0, failed: 0, running: 0, queued: 0, runningPercent: 0 };
  let percentSum = 0;
  for (const job of jobs) {
    if (job.state === 'completed') counts.completed++;
    else if (job.state === 'queued') counts.queued++;
    else if (job.state === 'submitting' || job.state === 'running') {
      counts.running++;
      percentSum += job.progress ?? 0;
    } else counts.failed++;
  }
  counts.runningPercent = counts.running > 0 ? percentSum / counts.running : 0;
  return counts;
}

/** `[██████░░░░] 12/200 ✓12 ✗0 ▶3 (46%) ⏳185 1m20s` */
export function formatProgress(counts: ProgressCounts, elapsedMs: number, width = 24): string {
  const done = counts.completed + counts.failed;
  const fraction = counts.total === 0 ? 1 : (done + (counts.running * counts.runningPercent) / 100) / counts.total;
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  const running = counts.running > 0 ? ` ▶${counts.running} (${Math.round(counts.runningPercent)}%)` : '';
  return `[${bar}] ${done}/${counts.total} ✓${counts.completed} ✗${counts.failed}${running} ⏳${counts.queued} ${formatDuration(elapsedMs)}`;
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

export class ProgressLine {
  private lastWidth = 0;
  constructor(private readonly stream: NodeJS.WriteStream) {}

  draw(text: string): void {
    const columns = this.stream.columns || 100;
    const line = text.length >= columns ? text.slice(0, columns - 1) : text;
    this.stream.write(`\r${line}${' '.repeat(Math.max(0, this.lastWidth - line.length))}`);
    this.lastWidth = line.length;
  }

  /** Clears the line so ordinary output can follow. */
  clear(): void {
    if (this.lastWidth > 0) this.stream.write(`\r${' '.repeat(this.lastWidth)}\r`);
    this.lastWidth = 0;
  }
}
