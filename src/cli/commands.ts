// The job commands of `mj-studio`: run a .prompts file, and imagine/describe/blend/button/jobs/cancel
// mirroring the API. All go through the same engine as the extension.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { ApiError } from '../core/api/errors';
import type { JobEngineOptions } from '../core/jobs/engine';
import type { JobRecord, JobRequest, ImageInput } from '../core/jobs/model';
import { isTerminal } from '../core/jobs/model';
import { addAiDecisionToSidecars } from '../core/media/save';
import { expandFile, hasErrors, promptsFileProblem } from '../core/prompts';
import type { Backend, BackendOptions } from './backend';
import { CliUsageError, openBackend } from './backend';
import { cliAutopilot } from './autopilot';
import { followJobs, summaryLine } from './follow';
import type { CliIo } from './io';
import { EXIT_INTERRUPTED, EXIT_JOBS_FAILED, EXIT_OK, EXIT_USAGE } from './io';

const COMMON_OPTIONS = {
  out: { type: 'string' },
  'api-base': { type: 'string' },
  channel: { type: 'string' },
  json: { type: 'boolean' },
  state: { type: 'string' },
  pattern: { type: 'string' },
  'time-scale': { type: 'string' },
  sse: { type: 'boolean' },
  delay: { type: 'string' },
  sequential: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
} as const satisfies ParseArgsConfig['options'];

type CommonValues = { [K in keyof typeof COMMON_OPTIONS]?: (typeof COMMON_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

function parse<const O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], extra: O) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...extra }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
}

function backendOptions(values: CommonValues, io: CliIo): BackendOptions {
  const scale = values['time-scale'] === undefined ? undefined : Number(values['time-scale']);
  if (scale !== undefined && !(scale > 0)) throw new CliUsageError('--time-scale must be a positive number');
  const delaySeconds = values.delay === undefined ? 0 : Number(values.delay);
  if (!(delaySeconds >= 0 && delaySeconds <= 600)) throw new CliUsageError('--delay must be a number of seconds from 0 to 600');
  return {
    apiBase: values['api-base'] ?? (io.env.MJ_STUDIO_API_BASE || undefined),
    stateDir: values.state ? resolve(io.cwd, values.state) : resolve(io.cwd, '.mj-studio'),
    simulatorTimeScale: scale,
    verbose: values.verbose,
    // Polling by default: a job whose event stream closes freezes on the service (CONTRACT.md §5), so a
    // run stopped with Ctrl-C or killed could not be picked up again. --sse trades that for fewer requests.
    engineOptions: {
      useSse: values.sse === true,
      ...(scale !== undefined ? scaledTimings(scale) : {}),
      // Batch pacing, as the extension's midjourney.batch.* settings (the delay is in real seconds).
      batchDelayMs: delaySeconds * 1000,
      batchSequential: values.sequential === true,
    },
    env: io.env,
    stderr: io.stderr,
  };
}

/** Engine waits scaled like the built-in simulator, so a sped-up demo is not slowed by real-time polling. */
function scaledTimings(scale: number): JobEngineOptions {
  const factor = Math.min(1, scale);
  return {
    pollIntervalMs: Math.max(20, 4000 * factor),
    maxPollIntervalMs: Math.max(50, 30_000 * factor),
    deadlineMs: 15 * 60_000 * factor,
    backoffBaseMs: Math.max(10, 5000 * factor),
    backoffMaxMs: Math.max(50, 60_000 * factor),
    channelRefreshMs: Math.max(50, 30_000 * factor),
    // A sped-up service answers sooner too; a stalled call is noticed (and reconciled) at the same pace.
    requestTimeoutMs: Math.max(2000, 30_000 * factor),
  };
}

async function withBackend(values: CommonValues, io: CliIo, body: (backend: Backend) => Promise<number>): Promise<number> {
  const backend = await openBackend(backendOptions(values, io));
  if (backend.kind === 'simulator' && !values.json) io.stderr.write(`No USEAPI_TOKEN: using the built-in simulator (${backend.origin}); nothing is sent anywhere.\n`);
  backend.engine.onAlert((alert) => {
    if (alert.kind === 'batchFinished') return;
    io.stderr.write(`${alert.kind === 'channelResumed' ? `channel ${alert.channel} resumed` : alert.message}\n`);
  });
  try {
    await backend.engine.start();
    return await body(backend);
  } finally {
    await backend.close();
  }
}

/** `mj-studio run <file.prompts> [--out dir] [--api-base url] [--channel id] [--json]` */
export async function runPromptsFile(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, { defaults: { type: 'string' }, autopilot: { type: 'boolean' }, 'autopilot-animate': { type: 'boolean' } });
  if (positionals.length !== 1) throw new CliUsageError('usage: mj-studio run <file.prompts> [--out dir] [--api-base url] [--channel id] [--json] [--autopilot [--autopilot-animate]]');
  const file = resolve(io.cwd, positionals[0]);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new CliUsageError(`cannot read ${positionals[0]}`);
  }
  const problem = promptsFileProblem(bytes);
  if (problem) throw new CliUsageError(`${positionals[0]}: ${problem} Nothing was sent.`);
  const text = bytes.toString('utf8');
  const fileDir = dirname(file);
  const { jobs, diagnostics } = expandFile(text, {
    fileDir,
    file: relative(io.cwd, file) || basename(file),
    workspaceRoot: io.cwd,
    fileExists: existsSync,
    // Same source as `mj-studio check/expand`: --defaults, else MJ_STUDIO_DEFAULTS.
    defaults: values.defaults ?? (io.env.MJ_STUDIO_DEFAULTS || undefined),
  });
  for (const d of diagnostics) {
    if (d.severity === 'info') continue;
    io.stderr.write(`${relative(io.cwd, file)}:${d.line + 1}:${d.column + 1}: ${d.severity}: ${d.message} [${d.code}]\n`);
  }
  if (hasErrors(diagnostics)) {
    io.stderr.write('Nothing was sent: fix the errors above first.\n');
    return EXIT_USAGE;
  }
  const withPaths = jobs.filter((j) => j.imagePaths && j.imagePaths.length > 0);
  if (withPaths.length > 0) {
    io.stderr.write(`Nothing was sent: line ${withPaths[0].source.line + 1} uses a local image path; the command-line runner needs image URLs.\n`);
    return EXIT_USAGE;
  }
  if (jobs.length === 0) {
    io.stderr.write('The file has no prompts.\n');
    return EXIT_OK;
  }
  const out = resolve(io.cwd, values.out ?? 'midjourney');
  const gitCommit = gitCommitOf(fileDir);
  // --autopilot for every grid of the run, or only for the prompts of `@autopilot` blocks.
  const autopilotAll = values.autopilot === true || values['autopilot-animate'] === true;
  const autopilotWanted = autopilotAll || jobs.some((job) => job.autopilot === true);
  return withBackend(values, io, async (backend) => {
    const engine = backend.engine;
    // Before anything is sent: a missing model configuration is a usage error, not a half-run batch.
    const autopilot = autopilotWanted ? cliAutopilot(backend, io.env, values['autopilot-animate'] === true) : undefined;
    // Same file, same content → same batch: a restarted run resumes it instead of sending it again.
    const fingerprint = createHash('sha256').update(`${file}\0${text}`).digest('hex').slice(0, 16);
    let batchId = `run-${fingerprint}`;
    const previous = engine.store.all().filter((r) => r.batchId === batchId);
    const resumable = previous.length > 0 && (previous.length < jobs.length || previous.some((r) => !isTerminal(r.state)));
    if (previous.length > 0 && !resumable) batchId = `${batchId}-${Date.now().toString(36)}`;
    if (resumable && !values.json) io.stderr.write(`Resuming the earlier run of this file (${previous.filter((r) => !isTerminal(r.state)).length} jobs still open).\n`);
    const { jobs: records } = await engine.submitBatch(
      jobs.map((job) => ({
        request: job.request,
        channel: values.channel ?? job.channel,
        source: { ...job.source, ...(gitCommit ? { gitCommit } : {}), ...(job.outPattern ? { outPattern: job.outPattern } : {}) },
      })),
      { batchId },
    );
    if (!values.json) io.stderr.write(`${records.length} jobs from ${relative(io.cwd, file)}\n`);
    const picks = autopilot?.run(records.filter((_, i) => autopilotAll || jobs[i]?.autopilot === true).map((r) => r.id));
    let report = await followJobs(backend, records.map((r) => r.id), io, { out, pattern: values.pattern, json: values.json === true });
    if (picks && !report.interrupted) {
      const outcomes = await picks;
      for (const outcome of outcomes) {
        const grid = engine.store.get(outcome.jobId);
        // The grid was saved before it was judged: its sidecars get the decision now.
        if (grid?.ai) await addAiDecisionToSidecars(report.files.map((f) => `${f}.json`), grid);
        const decision = outcome.result?.decision ?? grid?.ai;
        const line = outcome.error ?? (decision ? (decision.pickedIndex ? `picked image ${decision.pickedIndex}: ${decision.reason}` : `no pick: ${decision.reason}`) : 'no decision');
        if (values.json) io.stdout.write(`${JSON.stringify({ type: 'autopilot', jobId: grid?.jobId, decision, error: outcome.error })}\n`);
        else io.stderr.write(`autopilot ${grid?.jobId ?? outcome.jobId}: ${line}\n`);
      }
      // The upscales (and videos) the picks created are results of the run too.
      const created = outcomes.flatMap((o) => o.result?.createdJobIds ?? []);
      if (created.length > 0) {
        const more = await followJobs(backend, created, io, { out, pattern: values.pattern, json: values.json === true });
        report = { ...more, total: report.total + more.total, completed: report.completed + more.completed, notCompleted: report.notCompleted + more.notCompleted, files: [...report.files, ...more.files], elapsedMs: report.elapsedMs + more.elapsedMs };
      }
    }
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ type: 'report', batchId, total: report.total, completed: report.completed, notCompleted: report.notCompleted, files: report.files.length, elapsedMs: report.elapsedMs, interrupted: report.interrupted })}\n`);
    } else {
      io.stderr.write(`${summaryLine(report, out, io.cwd)}\n`);
      if (report.interrupted) io.stderr.write('Stopped following; nothing was cancelled. Run the same command again to pick the jobs up.\n');
    }
    if (report.interrupted) return EXIT_INTERRUPTED;
    return report.notCompleted > 0 ? EXIT_JOBS_FAILED : EXIT_OK;
  });
}

/** One job from the command line: submit, follow, save, print. */
async function runSingle(values: CommonValues, io: CliIo, request: JobRequest): Promise<number> {
  return withBackend(values, io, async (backend) => {
    const record = await backend.engine.submit(request, { priority: 'user', channel: values.channel });
    const out = resolve(io.cwd, values.out ?? 'midjourney');
    const report = await followJobs(backend, [record.id], io, { out, pattern: values.pattern, json: values.json === true });
    if (report.interrupted) return EXIT_INTERRUPTED;
    return report.completed === 1 ? EXIT_OK : EXIT_JOBS_FAILED;
  });
}

export async function imagineCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {});
  const prompt = positionals.join(' ').trim();
  if (!prompt) throw new CliUsageError('usage: mj-studio imagine "<prompt>" [--channel id] [--out dir] [--json]');
  return runSingle(values, io, { verb: 'imagine', prompt });
}

export async function describeCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {});
  if (positionals.length !== 1) throw new CliUsageError('usage: mj-studio describe <image file or URL>');
  return runSingle(values, io, { verb: 'describe', image: imageInput(positionals[0], io.cwd) });
}

export async function blendCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, { dimensions: { type: 'string' } });
  if (positionals.length < 2 || positionals.length > 5) throw new CliUsageError('usage: mj-studio blend <image> <image> [... up to 5] [--dimensions Portrait|Square|Landscape]');
  const dimensions = values.dimensions;
  if (dimensions !== undefined && dimensions !== 'Portrait' && dimensions !== 'Square' && dimensions !== 'Landscape') throw new CliUsageError('--dimensions must be Portrait, Square or Landscape');
  return runSingle(values, io, { verb: 'blend', images: positionals.map((p) => imageInput(p, io.cwd)), ...(dimensions ? { dimensions } : {}) });
}

export async function buttonCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, { prompt: { type: 'string' } });
  if (positionals.length !== 2) throw new CliUsageError('usage: mj-studio button <jobid> <label> [--prompt text]');
  const [parentJobId, button] = positionals;
  return runSingle(values, io, { verb: 'button', parentJobId, button, ...(values.prompt ? { prompt: values.prompt } : {}) });
}

/** `mj-studio jobs`: running jobs per channel (GET /jobs) and the channels' limits. */
export async function jobsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parse(argv, { local: { type: 'boolean' } });
  return withBackend(values, io, async (backend) => {
    if (values.local) {
      const records = backend.engine.store.all();
      if (values.json) io.stdout.write(`${JSON.stringify(records.map((r) => ({ id: r.id, jobId: r.jobId, state: r.state, verb: r.verb, reason: r.reason })))}\n`);
      else for (const r of records) io.stdout.write(`${r.state.padEnd(10)} ${r.jobId ?? r.id}  ${r.verb}\n`);
      return EXIT_OK;
    }
    const running = await backend.engine.client.listRunningJobs({ signal: io.signal });
    if (values.json) {
      io.stdout.write(`${JSON.stringify(running)}\n`);
      return EXIT_OK;
    }
    io.stdout.write(`${running.total} running (${running.images} image, ${running.videos} video)\n`);
    for (const [channel, entry] of Object.entries(running.channels)) {
      io.stdout.write(`channel ${channel}: ${entry.total}/${entry.maxJobs} (images ${entry.images}/${entry.maxImageJobs}, videos ${entry.videos}/${entry.maxVideoJobs})\n`);
      for (const job of entry.jobs) io.stdout.write(`  ${job.jobId}  ${job.jobType ?? ''}  ${job.elapsed ?? ''}\n`);
    }
    return EXIT_OK;
  });
}

/** `mj-studio cancel <jobid>`: DELETE /jobs/{id}. */
export async function cancelCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {});
  if (positionals.length !== 1) throw new CliUsageError('usage: mj-studio cancel <jobid>');
  return withBackend(values, io, async (backend) => {
    const local = backend.engine.store.byJobId(positionals[0]) ?? backend.engine.store.get(positionals[0]);
    if (local && !isTerminal(local.state)) await backend.engine.cancel(local.id);
    else await backend.engine.client.cancelJob(positionals[0], { signal: io.signal });
    io.stdout.write(values.json ? `${JSON.stringify({ type: 'cancelled', jobId: positionals[0] })}\n` : `cancelled ${positionals[0]}\n`);
    return EXIT_OK;
  });
}

const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.gif': 'image/gif' };

function imageInput(value: string, cwd: string): ImageInput {
  if (/^https?:\/\//i.test(value)) return { kind: 'url', url: value };
  const path = resolve(cwd, value);
  if (!existsSync(path)) throw new CliUsageError(`no such image: ${value}`);
  const contentType = IMAGE_TYPES[extname(path).toLowerCase()];
  if (!contentType) throw new CliUsageError(`${value}: use a png, jpg, webp or gif image`);
  return { kind: 'file', path, name: basename(path), contentType };
}

function gitCommitOf(dir: string): string | undefined {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 3000 }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A user-facing line for an error that ends a command. */
export function describeFailure(error: unknown): string {
  if (error instanceof ApiError || error instanceof CliUsageError) return error.message;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export type { JobRecord };
