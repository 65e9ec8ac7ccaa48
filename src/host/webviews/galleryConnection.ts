// One live gallery webview (panel or sidebar view) seen from the host: validates what it sends,
// answers its requests from the job store, runs its actions as VS Code commands, and pushes deltas
// while it is visible. No `vscode` import: the webview and the commands come in as small ports, so
// this is unit-tested with fakes.
import type { JobStoreChange, JobStoreReader } from '../../core/jobs/api';
import type { Logger } from '../../core/ports';
import {
  DEFAULT_QUERY, WebviewToHostSchema,
  type GalleryItem, type GalleryQuery, type HostToWebview, type ReplyResult, type RequestBody, type ViewKind,
} from '../../shared/galleryProtocol';
import { GalleryIndex, displayPrompt, sourceFilesOf, toGalleryItem, toLineageItem, type MediaUris } from './galleryItems';

/** The webview as the connection needs it. */
export interface WebviewPort {
  readonly view: ViewKind;
  post(message: HostToWebview): void;
  isVisible(): boolean;
  readonly media: MediaUris;
}

export interface FavouritesPort {
  get(): string[];
  set(ids: string[]): Promise<void>;
}

export interface GalleryServices {
  store: JobStoreReader;
  log: Logger;
  favourites: FavouritesPort;
  executeCommand(command: string, ...args: unknown[]): Promise<unknown>;
  openGallery(jobId?: string): Promise<void>;
  now(): number;
  setTimer(fn: () => void, ms: number): { cancel(): void };
}

/** Jobs sent with `init`: enough to fill a tall panel without a second round trip. */
const INIT_ITEMS = { gallery: 96, latest: 24 } as const;
/** Store changes arriving within this window go out as one delta (progress ticks come in bursts). */
const DELTA_DELAY_MS = 80;
/** Buttons that need more than a label (CONTRACT.md §4). */
const NEEDS_PROMPT = new Set(['Custom Zoom']);
const NEEDS_MASK = new Set(['Vary (Region)']);
const KEEP_POSTED = 50;
/** Longest description of a rejected message in the log and in the error reply. */
const MAX_ISSUE_LENGTH = 200;

export class GalleryConnection {
  private query: GalleryQuery = DEFAULT_QUERY;
  private readonly index: GalleryIndex;
  /** The filtered id list the webview last saw; a different list makes the next delta structural. */
  private shownIds: readonly string[] = [];
  private readonly pendingIds = new Set<string>();
  private readonly pendingRemoved = new Set<string>();
  private flushTimer: { cancel(): void } | undefined;
  /** Something changed while hidden: resync when shown again. */
  private stale = false;
  private ready = false;
  private pendingReveal: string | undefined;
  /** Which job each cached file belongs to, so a finished thumbnail refreshes the right item. */
  private readonly jobOfFile = new Map<string, string>();
  private readonly posted: HostToWebview[] = [];
  private disposed = false;

  constructor(private readonly port: WebviewPort, private readonly services: GalleryServices) {
    this.index = new GalleryIndex(services.store, () => new Set(services.favourites.get()), () => services.now());
  }

  /** The last messages posted to the webview, oldest first (for tests). */
  postedMessages(): readonly HostToWebview[] {
    return this.posted;
  }

  currentQuery(): GalleryQuery {
    return this.query;
  }

  /** Scroll the webview to a job and open it (now if the webview is up, else with its `init`). */
  reveal(jobId: string): void {
    if (this.ready) this.post({ type: 'reveal', id: jobId });
    else this.pendingReveal = jobId;
  }

  async handleMessage(raw: unknown): Promise<void> {
    const parsed = WebviewToHostSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      // Capped: zod names unknown keys, and a hostile key may be megabytes long.
      const where = shorten(issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'invalid', MAX_ISSUE_LENGTH);
      this.services.log.warn(`gallery: rejected a webview message (${where})`);
      const requestId = requestIdOf(raw);
      if (requestId !== undefined) this.post({ type: 'reply', requestId, ok: false, error: `Invalid request (${where})` });
      return;
    }
    const message = parsed.data;
    if (message.type === 'ready') {
      this.sendInit(message.query ?? DEFAULT_QUERY);
      return;
    }
    try {
      const result = await this.answer(message.body);
      this.post({ type: 'reply', requestId: message.requestId, ok: true, result });
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      this.services.log.warn(`gallery: ${message.body.kind} request failed: ${text}`);
      this.post({ type: 'reply', requestId: message.requestId, ok: false, error: text });
    }
  }

  onStoreChange(change: JobStoreChange): void {
    this.index.invalidate();
    for (const job of change.upserted) {
      this.pendingIds.add(job.id);
      // A new or changed child changes its parent's lineage.
      if (job.parentId !== undefined) this.pendingIds.add(job.parentId);
    }
    for (const id of change.removed) this.pendingRemoved.add(id);
    this.scheduleFlush();
  }

  onThumbnailReady(sourcePath: string): void {
    const jobId = this.jobOfFile.get(sourcePath);
    if (jobId === undefined) return;
    this.pendingIds.add(jobId);
    this.scheduleFlush();
  }

  onVisibilityChanged(): void {
    // Without retainContextWhenHidden a hidden webview is torn down and says `ready` again when shown,
    // so until then reveals wait for its next `init`.
    if (!this.port.isVisible()) this.ready = false;
    else if (this.stale) this.flush();
  }

  dispose(): void {
    this.disposed = true;
    this.flushTimer?.cancel();
  }

  // ---- internals ----

  private post(message: HostToWebview): void {
    if (this.disposed) return;
    this.posted.push(message);
    if (this.posted.length > KEEP_POSTED) this.posted.shift();
    this.port.post(message);
  }

  private sendInit(query: GalleryQuery): void {
    this.query = query;
    this.ready = true;
    this.stale = false;
    const ids = this.index.ids(query);
    this.shownIds = ids;
    const items = this.itemsAt(ids.slice(0, INIT_ITEMS[this.port.view]));
    const init: HostToWebview = {
      type: 'init', view: this.port.view, query, total: ids.length, items, sourceFiles: sourceFilesOf(this.services.store.all()),
    };
    if (this.pendingReveal !== undefined) init.reveal = this.pendingReveal;
    this.pendingReveal = undefined;
    this.post(init);
  }

  private itemsAt(ids: readonly string[]): GalleryItem[] {
    const favourites = new Set(this.services.favourites.get());
    const items: GalleryItem[] = [];
    for (const id of ids) {
      const job = this.services.store.get(id);
      if (!job) continue;
      for (const asset of job.assets) if (asset.cachedPath) this.jobOfFile.set(asset.cachedPath, job.id);
      items.push(toGalleryItem(job, this.services.store, this.port.media, favourites));
    }
    return items;
  }

  private async answer(body: RequestBody): Promise<ReplyResult> {
    switch (body.kind) {
      case 'page': {
        this.query = body.query;
        const ids = this.index.ids(body.query);
        this.shownIds = ids;
        return { kind: 'page', total: ids.length, offset: body.offset, items: this.itemsAt(ids.slice(body.offset, body.offset + body.limit)) };
      }
      case 'job': {
        const job = this.services.store.get(body.id);
        if (!job) throw new Error('This job is no longer in the history.');
        const [item] = this.itemsAt([job.id]);
        const parentJob = job.parentId !== undefined ? this.services.store.get(job.parentId) : undefined;
        const children = this.services.store.children(job.id)
          .filter((c) => c.verb !== 'seed')
          .map((c) => toLineageItem(c, this.port.media, c.parentButton ?? c.verb));
        const result: ReplyResult = { kind: 'job', item, children };
        if (parentJob) result.parent = toLineageItem(parentJob, this.port.media, shorten(displayPrompt(parentJob, this.services.store), 80));
        return result;
      }
      case 'locate':
        return { kind: 'locate', index: this.index.indexOf(body.query, body.id) };
      case 'favourite': {
        if (!this.services.store.get(body.id)) throw new Error('This job is no longer in the history.');
        const ids = new Set(this.services.favourites.get());
        if (body.favourite) ids.add(body.id);
        else ids.delete(body.id);
        await this.services.favourites.set([...ids]);
        this.index.invalidate();
        this.pendingIds.add(body.id);
        this.scheduleFlush();
        return { kind: 'favourite', favourite: body.favourite };
      }
      case 'action':
        await this.runAction(body);
        return { kind: 'action' };
      case 'openInGallery':
        // An id from the webview must name a job we have, or the panel would open on nothing.
        if (body.id !== undefined && !this.services.store.get(body.id)) throw new Error('This job is no longer in the history.');
        await this.services.openGallery(body.id);
        return { kind: 'openInGallery' };
    }
  }

  private async runAction(body: Extract<RequestBody, { kind: 'action' }>): Promise<void> {
    const job = this.services.store.get(body.id);
    if (!job) throw new Error('This job is no longer in the history.');
    const ref = { id: job.id };
    if (body.action !== 'pressButton') {
      await this.services.executeCommand(`midjourney.${body.action}`, ref);
      return;
    }
    // The webview is untrusted: only a label the job really offers is pressed, with what it needs.
    const label = body.label;
    if (label === undefined) throw new Error('No button given.');
    if (job.state !== 'completed' || !job.buttons.includes(label)) throw new Error(`This job does not offer "${label}".`);
    if (NEEDS_PROMPT.has(label) && body.prompt === undefined) throw new Error(`"${label}" needs a prompt.`);
    if (NEEDS_MASK.has(label) && body.mask === undefined) throw new Error(`"${label}" needs a mask drawn on the image.`);
    const extra: { prompt?: string; mask?: string } = {};
    if (body.prompt !== undefined) extra.prompt = body.prompt;
    if (body.mask !== undefined) extra.mask = body.mask;
    await this.services.executeCommand('midjourney.pressButton', ref, label, Object.keys(extra).length > 0 ? extra : undefined);
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.disposed) return;
    this.flushTimer = this.services.setTimer(() => {
      this.flushTimer = undefined;
      this.flush();
    }, DELTA_DELAY_MS);
  }

  private flush(): void {
    if (this.disposed || !this.ready) return;
    if (!this.port.isVisible()) {
      // A hidden webview drops messages; remember to resync instead of queueing them.
      this.stale = true;
      return;
    }
    const ids = this.index.ids(this.query);
    const structural = this.stale || !sameIds(ids, this.shownIds);
    this.shownIds = ids;
    this.stale = false;
    const visibleIds = [...this.pendingIds].filter((id) => this.index.indexOf(this.query, id) >= 0);
    const removed = [...this.pendingRemoved];
    this.pendingIds.clear();
    this.pendingRemoved.clear();
    if (!structural && visibleIds.length === 0 && removed.length === 0) return;
    this.post({
      type: 'delta', total: ids.length, upserted: this.itemsAt(visibleIds), removed, structural,
      sourceFiles: sourceFilesOf(this.services.store.all()),
    });
  }
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function requestIdOf(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || !('requestId' in raw)) return undefined;
  const value = raw.requestId;
  return typeof value === 'string' && value.length > 0 && value.length <= 64 ? value : undefined;
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
