// Pure host-side logic of the gallery: which jobs it shows, how a query filters them, and how a
// JobRecord becomes the GalleryItem view model the webview renders. No `vscode` import, so it is
// unit-tested in plain Node; URIs come from a small MediaUris port.
import type { JobRecord, JobState, ResultAsset, Verb } from '../../core/jobs/model';
import { promptOf } from '../../core/jobs/model';
import type { JobStoreReader } from '../../core/jobs/api';
import type { AssetView, GalleryItem, GalleryQuery, LineageItem } from '../../shared/galleryProtocol';

/** Turns a cached file into something the webview may load. */
export interface MediaUris {
  /** The full file, or undefined when it is not servable (outside the cache folder, missing). */
  full(cachedPath: string): string | undefined;
  /** A small copy for tiles; may be the full file while the small copy is being made. */
  thumb(cachedPath: string): string | undefined;
}

/** Verbs whose results are pictures or videos; settings-type, seed and describe jobs stay out. */
const GALLERY_VERBS: ReadonlySet<Verb> = new Set<Verb>(['imagine', 'button', 'blend']);
const RUNNING: ReadonlySet<JobState> = new Set<JobState>(['queued', 'submitting', 'running']);
const FAILED: ReadonlySet<JobState> = new Set<JobState>(['failed', 'moderated', 'lost', 'cancelled']);
const DAY_MS = 86_400_000;
const SINCE_MS = { any: Infinity, day: DAY_MS, week: 7 * DAY_MS, month: 30 * DAY_MS } as const;

export function isGalleryJob(job: JobRecord): boolean {
  return GALLERY_VERBS.has(job.verb);
}

export function isVideoJob(job: JobRecord): boolean {
  return job.jobType === 'video' || job.assets.some((a) => a.kind === 'video');
}

/**
 * The prompt a job shows: its own, or for a button child without one (U2, V1, 🔄…) the prompt of the
 * job it was made from, so a child reads like its parent rather than "U2".
 */
export function displayPrompt(job: JobRecord, store: Pick<JobStoreReader, 'get'>): string {
  let current: JobRecord | undefined = job;
  for (let depth = 0; current && depth < 20; depth++) {
    const request = current.request;
    if (request.verb !== 'button' || request.prompt !== undefined) return promptOf(current);
    if (current.echoedPrompt) return current.echoedPrompt;
    current = current.parentId !== undefined ? store.get(current.parentId) : undefined;
  }
  return promptOf(job);
}

export function matchesQuery(job: JobRecord, query: GalleryQuery, favourites: ReadonlySet<string>, now: number, prompt = promptOf(job)): boolean {
  if (!isGalleryJob(job)) return false;
  switch (query.status) {
    case 'running': if (!RUNNING.has(job.state)) return false; break;
    case 'completed': if (job.state !== 'completed') return false; break;
    case 'failed': if (!FAILED.has(job.state)) return false; break;
    case 'favourites': if (!favourites.has(job.id)) return false; break;
    case 'videos': if (!isVideoJob(job)) return false; break;
    case 'all': break;
  }
  if (query.since !== 'any' && job.createdAt < now - SINCE_MS[query.since]) return false;
  if (query.sourceFile !== '' && job.source?.file !== query.sourceFile) return false;
  const text = query.text.trim().toLowerCase();
  if (text !== '') {
    const haystack = `${prompt}\n${job.echoedPrompt ?? ''}\n${job.id}\n${job.jobId ?? ''}`.toLowerCase();
    if (!haystack.includes(text)) return false;
  }
  return true;
}

export function queryKey(query: GalleryQuery): string {
  return JSON.stringify([query.text.trim().toLowerCase(), query.status, query.since, query.sourceFile]);
}

/** The assets a job's tiles show: videos for video jobs, else the singles, else the grid. */
export function displayedAssets(job: JobRecord): ResultAsset[] {
  const byIndex = (a: ResultAsset, b: ResultAsset) => a.index - b.index;
  const videos = job.assets.filter((a) => a.kind === 'video').sort(byIndex);
  if (videos.length > 0) return videos;
  const images = job.assets.filter((a) => a.kind === 'image').sort(byIndex);
  if (images.length > 0) return images;
  return job.assets.filter((a) => a.kind === 'grid');
}

function assetView(asset: ResultAsset, media: MediaUris): AssetView {
  const view: AssetView = { index: asset.index, kind: asset.kind };
  if (asset.cachedPath) {
    const full = media.full(asset.cachedPath);
    if (full) view.full = full;
    if (asset.kind !== 'video') {
      const thumb = media.thumb(asset.cachedPath);
      if (thumb) view.thumb = thumb;
    }
  }
  return view;
}

/** The seed of a job: its own, or the one a seed child extracted for it. */
export function seedOf(job: JobRecord, children: readonly JobRecord[]): number | undefined {
  if (job.seed !== undefined) return job.seed;
  return children.find((c) => c.verb === 'seed' && c.seed !== undefined)?.seed;
}

export function toGalleryItem(job: JobRecord, store: Pick<JobStoreReader, 'children' | 'get'>, media: MediaUris, favourites: ReadonlySet<string>): GalleryItem {
  const children = store.children(job.id);
  const item: GalleryItem = {
    id: job.id,
    prompt: displayPrompt(job, store),
    verb: job.verb,
    status: job.state,
    assets: displayedAssets(job).map((a) => assetView(a, media)),
    // Only a completed job's buttons can be pressed (CONTRACT.md §4).
    buttons: job.state === 'completed' ? [...job.buttons] : [],
    childIds: children.filter(isGalleryJob).map((c) => c.id),
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    favourite: favourites.has(job.id),
    video: isVideoJob(job),
  };
  if (job.jobId !== undefined) item.jobId = job.jobId;
  if (job.progress !== undefined && RUNNING.has(job.state)) item.progress = Math.max(0, Math.min(100, job.progress));
  if (job.reason !== undefined) item.reason = job.reason;
  if (job.parentId !== undefined) item.parentId = job.parentId;
  if (job.parentButton !== undefined) item.parentButton = job.parentButton;
  const seed = seedOf(job, children);
  if (seed !== undefined) item.seed = seed;
  if (job.ai) {
    item.ai = { model: job.ai.model, reason: job.ai.reason };
    if (job.ai.pickedIndex !== undefined) item.ai.pickedIndex = job.ai.pickedIndex;
  }
  if (job.source) {
    item.source = { file: job.source.file, line: job.source.line };
    if (job.source.block !== undefined) item.source.block = job.source.block;
  }
  return item;
}

/** A small card for the lineage strip: the first thumbnail and a label. */
export function toLineageItem(job: JobRecord, media: MediaUris, label: string): LineageItem {
  const item: LineageItem = { id: job.id, label, status: job.state };
  const first = displayedAssets(job).find((a) => a.cachedPath !== undefined && a.kind !== 'video');
  const thumb = first?.cachedPath ? media.thumb(first.cachedPath) : undefined;
  if (thumb) item.thumb = thumb;
  return item;
}

/** Distinct source files of gallery jobs, sorted, for the file filter. */
export function sourceFilesOf(jobs: readonly JobRecord[]): string[] {
  const files = new Set<string>();
  for (const job of jobs) if (job.source?.file && isGalleryJob(job)) files.add(job.source.file);
  return [...files].sort();
}

/**
 * The filtered, newest-first id list of one query, recomputed only when the store changed
 * (`invalidate`) or the query did. Pages are slices of it.
 */
export class GalleryIndex {
  private cachedKey: string | undefined;
  private cachedIds: string[] = [];
  private cachedPositions = new Map<string, number>();

  constructor(
    private readonly store: JobStoreReader,
    private readonly favourites: () => ReadonlySet<string>,
    private readonly now: () => number,
  ) {}

  invalidate(): void {
    this.cachedKey = undefined;
  }

  ids(query: GalleryQuery): readonly string[] {
    const key = queryKey(query);
    if (key !== this.cachedKey) {
      const favourites = this.favourites();
      const now = this.now();
      this.cachedIds = this.store.all().filter((job) => matchesQuery(job, query, favourites, now, displayPrompt(job, this.store))).map((job) => job.id);
      this.cachedPositions = new Map(this.cachedIds.map((id, index) => [id, index]));
      this.cachedKey = key;
    }
    return this.cachedIds;
  }

  /** Position of a job in the query's list, or -1. */
  indexOf(query: GalleryQuery, id: string): number {
    this.ids(query);
    return this.cachedPositions.get(id) ?? -1;
  }
}
