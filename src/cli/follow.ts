// Follows a set of jobs to their end: live progress on a TTY, a line (or a JSON object) per finished job,
// results saved with sidecars as each job completes.
import { relative } from 'node:path';
import type { JobEngine } from '../core/jobs/engine';
import type { JobRecord } from '../core/jobs/model';
import { isTerminal, promptOf } from '../core/jobs/model';
import { DEFAULT_OUTPUT_PATTERN, saveResults } from '../core/media/save';
import { redactSecrets } from '../core/redact';
import type { Backend } from './backend';
import type { CliIo } from './io';
import { ProgressLine, countJobs, formatDuration, formatProgress } from './progress';

const SAVED_KEY = 'cli.savedJobs';

export interface FollowOptions {
  out: string;
  pattern?: string;
  json: boolean;
  /** Save results of completed jobs (default true). */
  save?: boolean;
}

export interface FollowReport {
  total: number;
  completed: number;
  notCompleted: number;
  files: string[];
  elapsedMs: number;
  interrupted: boolean;
}

export async function followJobs(backend: Backend, ids: readonly string[], io: CliIo, options: FollowOptions): Promise<FollowReport> {
  const engine = backend.engine;
  const started = Date.now();
  const tty = !options.json && io.stderr.isTTY === true;
  const progress = tty ? new ProgressLine(io.stderr as NodeJS.WriteStream) : undefined;
  const remaining = new Set(ids);
  const files: string[] = [];
  const saved = new Set(backend.kv.get<string[]>(SAVED_KEY) ?? []);
  let saving = Promise.resolve();

  const redraw = (): void => {
    if (!progress) return;
    const jobs = ids.map((id) => engine.store.get(id)).filter((r): r is JobRecord => r !== undefined);
    progress.draw(formatProgress(countJobs(jobs), Date.now() - started));
  };

  const finish = async (record: JobRecord): Promise<void> => {
    let written: string[] = [];
    if (record.state === 'completed' && options.save !== false && !saved.has(record.id)) {
      try {
        const results = await saveResults(record, {
          workspaceDir: io.cwd,
          outputFolder: options.out,
          pattern: record.source?.outPattern ?? options.pattern ?? DEFAULT_OUTPUT_PATTERN,
          cache: requireMedia(engine),
          lineage: engine.store.ancestors(record.id),
        });
        written = results.map((r) => r.path);
        saved.add(record.id);
        await backend.kv.set(SAVED_KEY, [...saved].slice(-5000));
      } catch (error) {
        backend.logger.warn(`could not save results of ${record.jobId ?? record.id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    files.push(...written);
    progress?.clear();
    if (options.json) io.stdout.write(`${JSON.stringify(jobJson(record, written))}\n`);
    else io.stdout.write(`${jobLine(record, written, io.cwd, backend.secrets)}\n`);
    redraw();
  };

  await new Promise<void>((resolve) => {
    const check = (records: readonly JobRecord[]): void => {
      for (const record of records) {
        if (!remaining.has(record.id) || !isTerminal(record.state)) continue;
        remaining.delete(record.id);
        saving = saving.then(() => finish(record));
      }
      if (remaining.size === 0) done();
      else redraw();
    };
    const subscription = engine.store.onDidChange((change) => check(change.upserted));
    const ticker = tty ? setInterval(redraw, 500) : undefined;
    const onAbort = (): void => done();
    const done = (): void => {
      subscription.dispose();
      if (ticker) clearInterval(ticker);
      io.signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    io.signal?.addEventListener('abort', onAbort, { once: true });
    check(ids.map((id) => engine.store.get(id)).filter((r): r is JobRecord => r !== undefined));
    if (io.signal?.aborted) done();
  });
  await saving;
  progress?.clear();
  const records = ids.map((id) => engine.store.get(id)).filter((r): r is JobRecord => r !== undefined);
  const completed = records.filter((r) => r.state === 'completed').length;
  return { total: ids.length, completed, notCompleted: ids.length - completed, files, elapsedMs: Date.now() - started, interrupted: remaining.size > 0 };
}

function requireMedia(engine: JobEngine): NonNullable<JobEngine['media']> {
  if (!engine.media) throw new Error('no media cache configured');
  return engine.media;
}

export function jobJson(record: JobRecord, files: readonly string[]): Record<string, unknown> {
  return {
    type: 'job',
    id: record.id,
    jobId: record.jobId,
    state: record.state,
    verb: record.verb,
    prompt: promptOf(record),
    source: record.source ? { file: record.source.file, line: record.source.line + 1 } : undefined,
    reason: record.reason,
    reasonDetails: record.reasonDetails,
    buttons: record.buttons.length > 0 ? record.buttons : undefined,
    seed: record.seed,
    describedPrompts: record.describedPrompts,
    settings: record.settings,
    files,
  };
}

function jobLine(record: JobRecord, files: readonly string[], cwd: string, secrets: Iterable<string>): string {
  const where = record.source ? `line ${record.source.line + 1}: ` : '';
  const prompt = truncate(promptOf(record), 60);
  if (record.state === 'completed') {
    const extra: string[] = [];
    if (files.length > 0) extra.push(`${relative(cwd, files[0])}${files.length > 1 ? ` (+${files.length - 1})` : ''}`);
    if (record.seed !== undefined) extra.push(`seed ${record.seed}`);
    if (record.describedPrompts) extra.push(...record.describedPrompts.map((p, i) => `\n  ${i + 1}. ${p}`));
    if (record.settings && record.verb !== 'imagine') extra.push(JSON.stringify(record.settings));
    return `✓ ${where}${prompt}${record.jobId ? ` [${record.jobId}]` : ''}${extra.length > 0 ? ` → ${extra.join(' ')}` : ''}`;
  }
  const reason = [record.reason, record.reasonDetails].filter(Boolean).join(' — ');
  return `✗ ${where}${prompt}: ${record.state}${reason ? ` (${redactSecrets(reason, secrets)})` : ''}`;
}

function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function summaryLine(report: FollowReport, out: string, cwd: string): string {
  const files = report.files.length > 0 ? `; ${report.files.length} files in ${relative(cwd, out) || '.'}` : '';
  return `${report.completed} of ${report.total} completed, ${report.notCompleted} not completed, in ${formatDuration(report.elapsedMs)}${files}`;
}
