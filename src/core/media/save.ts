// Saving results into the workspace: a naming template with sanitized segments (never outside the
// output folder), and a provenance sidecar `<file>.json` beside each file. Never a token.
import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, readFile, realpath, rename, writeFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { JobRecord, ResultAsset } from '../jobs/model';
import { promptOf } from '../jobs/model';
import type { MediaCache } from './cache';

export interface SaveOptions {
  workspaceDir: string;
  /** Output folder, relative to `workspaceDir` (or absolute). */
  outputFolder: string;
  /** `midjourney.output.pattern`, e.g. `{date}/{block}-{prompt}-{index}`. */
  pattern: string;
  cache: Pick<MediaCache, 'get'>;
  /** Ancestors of the job, nearest parent first (JobStore.ancestors). */
  lineage?: readonly JobRecord[];
  /** Which assets to save. Default: singles and videos; the grid only when there are none. */
  kinds?: readonly ResultAsset['kind'][];
  now?: number;
  signal?: AbortSignal;
}

export interface SavedFile {
  path: string;
  sidecarPath: string;
  asset: ResultAsset;
}

export const DEFAULT_OUTPUT_PATTERN = '{date}/{block}-{prompt}-{index}';

/** Downloads (through the cache) and writes each result of `job` with its sidecar. */
export async function saveResults(job: JobRecord, options: SaveOptions): Promise<SavedFile[]> {
  const outputDir = resolve(options.workspaceDir, options.outputFolder);
  const now = options.now ?? Date.now();
  const assets = assetsToSave(job.assets, options.kinds);
  const saved: SavedFile[] = [];
  for (const asset of assets) {
    const cached = await options.cache.get(asset.url, options.signal);
    const relativeName = renderPattern(options.pattern || DEFAULT_OUTPUT_PATTERN, job, asset, now);
    const wanted = join(outputDir, relativeName + (extname(cached) || '.bin'));
    if (!isInside(outputDir, wanted)) throw new Error(`refusing to write outside the output folder: ${relativeName}`);
    await mkdir(outputDir, { recursive: true });
    // A linked folder inside the output folder (e.g. from a cloned repository) must not lead the files elsewhere.
    await checkRealDirInside(outputDir, dirname(wanted), relativeName);
    await mkdir(dirname(wanted), { recursive: true });
    await checkRealDirInside(outputDir, dirname(wanted), relativeName);
    const target = await copyToNewFile(cached, wanted);
    const sidecarPath = `${target}.json`;
    await writeFile(sidecarPath, `${JSON.stringify(provenanceOf(job, asset, options.lineage ?? [], now), null, 2)}\n`, { encoding: 'utf8', flag: 'wx' });
    saved.push({ path: target, sidecarPath, asset });
  }
  return saved;
}

function assetsToSave(assets: readonly ResultAsset[], kinds?: readonly ResultAsset['kind'][]): ResultAsset[] {
  if (kinds) return assets.filter((a) => kinds.includes(a.kind));
  const singles = assets.filter((a) => a.kind !== 'grid');
  return singles.length > 0 ? singles : assets.filter((a) => a.kind === 'grid');
}

/** Fills the placeholders; every path segment is sanitized, `.`/`..` segments are dropped. */
export function renderPattern(pattern: string, job: JobRecord, asset: ResultAsset, now: number): string {
  const when = new Date(job.finishedAt ?? now);
  const iso = when.toISOString();
  const values: Record<string, string> = {
    date: iso.slice(0, 10),
    time: iso.slice(11, 19).replace(/:/g, ''),
    block: job.source?.block ?? (job.source ? `line${job.source.line + 1}` : job.verb),
    prompt: slug(promptOf(job), 60),
    jobid: shortJobId(job),
    index: asset.kind === 'grid' ? 'grid' : String(asset.index),
    verb: job.verb,
    button: job.parentButton ?? '',
  };
  // Values never create directories: only the pattern's own `/` does.
  const filled = pattern.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? sanitizeSegment(values[name]) : whole));
  const segments = filled
    .split(/[\\/]+/)
    .map((segment) => sanitizeSegment(segment))
    .filter((segment) => segment !== '' && segment !== '.' && segment !== '..');
  return segments.length > 0 ? segments.join(sep) : sanitizeSegment(`${values.jobid}-${values.index}`);
}

/** A file-name-safe segment: letters, digits, `._-`; no leading dots; no Windows device names. */
export function sanitizeSegment(text: string, max = 120): string {
  let out = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, max);
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(out)) out = `_${out}`;
  return out;
}

/** The prompt as a short slug without parameters and URLs. */
export function slug(prompt: string, max: number): string {
  const words = prompt
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\s--\w+(\s+[^-\s]\S*)*/g, ' ')
    .toLowerCase();
  return sanitizeSegment(words, max) || 'untitled';
}

function shortJobId(job: JobRecord): string {
  // j<19 digits>… → the digits are unique enough and carry no channel or user number.
  const digits = job.jobId ? /^j(\d{19})/.exec(job.jobId)?.[1] : undefined;
  return digits ?? job.id;
}

/**
 * Copies to `path`, or `<path>-2`, `-3`… when taken. Never overwrites and never writes through a link: the copy
 * fails on anything already there (a dangling link included), and a name whose sidecar exists is skipped.
 */
async function copyToNewFile(source: string, path: string): Promise<string> {
  const ext = extname(path);
  const base = path.slice(0, path.length - ext.length);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? path : `${base}-${n}${ext}`;
    if (await exists(`${candidate}.json`)) continue;
    try {
      await copyFile(source, candidate, constants.COPYFILE_EXCL);
      return candidate;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Throws when `dir` (or its nearest existing ancestor) really lies outside `outputDir` once links are resolved. */
async function checkRealDirInside(outputDir: string, dir: string, shown: string): Promise<void> {
  const realOut = await realpath(outputDir);
  let existing = dir;
  while (!(await exists(existing)) && isInside(outputDir, existing)) existing = dirname(existing);
  const real = await realpath(existing);
  if (real !== realOut && !isInside(realOut, real)) throw new Error(`refusing to write outside the output folder: ${shown} leads to ${real} through a link`);
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** `--ar 16:9 --v 7 --raw` → `{ ar: "16:9", v: "7", raw: true }`. */
export function parametersOf(prompt: string): Record<string, string | true> {
  const params: Record<string, string | true> = {};
  const pattern = /(?:^|\s)--([A-Za-z][\w-]*)((?:\s+(?!--)[^\s]+)*)/g;
  for (const match of prompt.matchAll(pattern)) {
    const value = match[2].trim();
    params[match[1].toLowerCase()] = value === '' ? true : value;
  }
  return params;
}

export interface Provenance {
  generator: 'midjourney-studio';
  version: 1;
  jobId: string | undefined;
  localId: string;
  verb: string;
  jobType: string | undefined;
  /** The prompt exactly as sent to the service. */
  prompt: string;
  /** The prompt as Midjourney echoed it (with account settings), when known. */
  echoedPrompt: string | undefined;
  parameters: Record<string, string | true>;
  button: string | undefined;
  seed: number | undefined;
  channel: string | undefined;
  /** Which result this file is. The CDN URL is left out: its GUID identifies the account (§10). */
  asset: { index: number; kind: string };
  parents: { jobId: string | undefined; localId: string; verb: string; button: string | undefined; prompt: string; ai?: { model: string; reason: string; pickedIndex: number | undefined } }[];
  source: { file: string; line: number; block: string | undefined; gitCommit: string | undefined } | undefined;
  /** The AI assistant's decision about this job (model, reason, picked image), when AI assist ran. */
  ai: { model: string; reason: string; pickedIndex: number | undefined; at: string } | undefined;
  timestamps: { queued: string; submitted: string | undefined; finished: string | undefined; saved: string };
}

/** The sidecar form of an AI decision. */
function aiProvenance(ai: NonNullable<JobRecord['ai']>): NonNullable<Provenance['ai']> {
  return { model: ai.model, reason: ai.reason, pickedIndex: ai.pickedIndex, at: new Date(ai.at).toISOString() };
}

/**
 * Adds `job.ai` to the sidecars already written for `job`: an autopilot pick is made after the grid's
 * files were saved. Only sidecars of this job change (matched by localId); each is replaced atomically.
 * Returns how many were updated.
 */
export async function addAiDecisionToSidecars(sidecarPaths: readonly string[], job: JobRecord): Promise<number> {
  if (!job.ai) return 0;
  let updated = 0;
  for (const path of sidecarPaths) {
    let provenance: Provenance;
    try {
      provenance = JSON.parse(await readFile(path, 'utf8')) as Provenance;
    } catch {
      continue;
    }
    if (provenance.localId !== job.id) continue;
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify({ ...provenance, ai: aiProvenance(job.ai) }, null, 2)}\n`, { encoding: 'utf8', flag: 'wx' });
    await rename(temporary, path);
    updated++;
  }
  return updated;
}

export function provenanceOf(job: JobRecord, asset: ResultAsset, lineage: readonly JobRecord[], now: number): Provenance {
  const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());
  const prompt = promptOf(job);
  return {
    generator: 'midjourney-studio',
    version: 1,
    jobId: job.jobId,
    localId: job.id,
    verb: job.verb,
    jobType: job.jobType,
    prompt,
    echoedPrompt: job.echoedPrompt,
    parameters: parametersOf(lineage.length > 0 && job.verb === 'button' && !('prompt' in job.request && job.request.prompt) ? promptOf(lineage[lineage.length - 1]) : prompt),
    button: job.parentButton,
    seed: job.seed,
    channel: job.channel,
    asset: { index: asset.index, kind: asset.kind },
    parents: lineage.map((p) => ({
      jobId: p.jobId, localId: p.id, verb: p.verb, button: p.parentButton, prompt: promptOf(p),
      ...(p.ai ? { ai: { model: p.ai.model, reason: p.ai.reason, pickedIndex: p.ai.pickedIndex } } : {}),
    })),
    source: job.source ? { file: job.source.file, line: job.source.line + 1, block: job.source.block, gitCommit: job.source.gitCommit } : undefined,
    ai: job.ai ? aiProvenance(job.ai) : undefined,
    timestamps: { queued: new Date(job.createdAt).toISOString(), submitted: iso(job.submittedAt), finished: iso(job.finishedAt), saved: new Date(now).toISOString() },
  };
}
