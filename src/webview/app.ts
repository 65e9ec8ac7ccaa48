// The gallery front end: owns the UI state (query, scroll position, open job — the only things kept
// in setState), asks the host for pages of jobs as the user scrolls, applies the host's deltas, and
// turns clicks into requests. Everything environment-specific (the VS Code API, sizes, frames,
// timers, clock) is injected so the same code runs in VS Code, the bench page and jsdom tests.
import type {
  DateFilter, GalleryItem, GalleryQuery, HostToWebview, InitMessage, DeltaMessage, JobAction, StatusFilter, ViewKind, WebviewToHost,
} from '../shared/galleryProtocol';
import { ICONS, button, clear, el, icon } from './dom';
import { baseName, describeButton } from './format';
import { VirtualGrid } from './grid';
import { ItemWindow } from './itemWindow';
import { Lightbox, type JobDetail } from './lightbox';
import { RequestClient, type Timers } from './rpc';
import { pagesFor, scrollTopToShow } from './windowing';

/** What `acquireVsCodeApi()` returns, as far as the gallery uses it. */
export interface WebviewHostApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export interface AppEnvironment {
  host: WebviewHostApi;
  root: HTMLElement;
  view: ViewKind;
  /** Size of the scroll viewport (jsdom has no layout, so tests pass numbers). */
  measure?: (scroller: HTMLElement) => { width: number; height: number };
  /** Schedules a render; defaults to requestAnimationFrame. */
  requestFrame?: (callback: () => void) => void;
  timers?: Timers;
  now?: () => number;
  timeoutMs?: number;
}

/** The UI state kept across reloads with setState (never job data). */
export interface UiState {
  query: GalleryQuery;
  scrollTop: number;
  lightbox?: { id: string; asset: number };
}

export const PAGE_SIZE = 48;
const REQUEST_TIMEOUT_MS = 15_000;
/** Pages kept on each side of the viewport before eviction. */
const KEEP_PAGES = 6;
const DEFAULT_QUERY: GalleryQuery = { text: '', status: 'all', since: 'any', sourceFile: '' };
const STATUS_OPTIONS: [StatusFilter, string][] = [
  ['all', 'All jobs'], ['running', 'Running'], ['completed', 'Completed'], ['failed', 'Failed / moderated'], ['favourites', 'Favourites'], ['videos', 'Videos'],
];
const DATE_OPTIONS: [DateFilter, string][] = [['any', 'Any time'], ['day', 'Last 24 hours'], ['week', 'Last 7 days'], ['month', 'Last 30 days']];

function readUiState(raw: unknown): UiState | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const state = raw as Partial<UiState>;
  const query = state.query;
  if (!query || typeof query.text !== 'string' || typeof query.status !== 'string' || typeof query.since !== 'string' || typeof query.sourceFile !== 'string') return undefined;
  return {
    query: { text: query.text, status: query.status, since: query.since, sourceFile: query.sourceFile },
    scrollTop: typeof state.scrollTop === 'number' ? state.scrollTop : 0,
    lightbox: state.lightbox && typeof state.lightbox.id === 'string' ? { id: state.lightbox.id, asset: Number(state.lightbox.asset) || 0 } : undefined,
  };
}

export class GalleryApp {
  private readonly host: WebviewHostApi;
  private readonly view: ViewKind;
  private readonly timers: Timers;
  private readonly now: () => number;
  private readonly measure: (scroller: HTMLElement) => { width: number; height: number };
  private readonly requestFrame: (callback: () => void) => void;
  private readonly rpc: RequestClient;
  private readonly items = new ItemWindow(PAGE_SIZE);
  private readonly grid: VirtualGrid;
  private readonly lightbox: Lightbox;
  private readonly toast: HTMLElement;
  private readonly count: HTMLElement;
  private readonly fileSelect: HTMLSelectElement | undefined;
  private readonly searchInput: HTMLInputElement | undefined;
  private readonly statusSelect: HTMLSelectElement | undefined;
  private readonly dateSelect: HTMLSelectElement | undefined;
  private query: GalleryQuery = DEFAULT_QUERY;
  /** Bumped on every new query: replies to older queries are dropped. */
  private generation = 0;
  private initialized = false;
  private restored: UiState | undefined;
  private frameScheduled = false;
  private stateTimer: number | undefined;
  private searchTimer: number | undefined;
  private toastTimer: number | undefined;
  /** Position of the open lightbox job in the list (undefined when opened from lineage outside it). */
  private lightboxIndex: number | undefined;
  private lastFocused: HTMLElement | undefined;

  constructor(env: AppEnvironment) {
    this.host = env.host;
    this.view = env.view;
    this.now = env.now ?? (() => Date.now());
    this.timers = env.timers ?? { setTimeout: (fn, ms) => window.setTimeout(fn, ms), clearTimeout: (h) => window.clearTimeout(h) };
    this.measure = env.measure ?? ((scroller) => ({ width: scroller.clientWidth, height: scroller.clientHeight }));
    this.requestFrame = env.requestFrame ?? ((callback) => void window.requestAnimationFrame(callback));
    this.rpc = new RequestClient((message) => this.host.postMessage(message), this.timers, env.timeoutMs ?? REQUEST_TIMEOUT_MS);
    this.grid = new VirtualGrid({ view: this.view, itemAt: (index) => this.items.get(index), now: this.now });
    this.lightbox = new Lightbox({
      navigate: (step) => void this.navigate(step),
      selectAsset: (position) => this.showLightboxAt(this.lightbox.shownId, position),
      close: () => this.closeLightbox(),
      action: (action, label, extra) => {
        const id = this.lightbox.shownId;
        if (id !== undefined) void this.runAction(action, id, label, extra);
      },
      openLineage: (id) => void this.openById(id, 0),
      toggleFavourite: (item) => void this.toggleFavourite(item),
      now: this.now,
    });
    this.toast = el('div', { class: 'toast', attrs: { role: 'status', 'aria-live': 'polite' } });
    this.count = el('span', { class: 'count', attrs: { 'aria-live': 'polite' } });
    this.restored = readUiState(this.host.getState());
    if (this.restored) this.query = this.restored.query;

    const root = env.root;
    clear(root);
    root.classList.add('gallery-root', `view-${this.view}`);
    if (this.view === 'gallery') {
      this.searchInput = el('input', { class: 'search', attrs: { type: 'search', placeholder: 'Search prompts…', 'aria-label': 'Search prompts', spellcheck: 'false' } });
      this.searchInput.value = this.query.text;
      this.statusSelect = this.select('Status', STATUS_OPTIONS, this.query.status);
      this.dateSelect = this.select('Date', DATE_OPTIONS, this.query.since);
      this.fileSelect = this.select('Source file', [['', 'All files']], this.query.sourceFile);
      const searchBox = el('label', { class: 'search-box' }, [icon([...ICONS.search], 14), this.searchInput]);
      root.append(el('header', { class: 'toolbar', attrs: { role: 'search' } }, [
        el('h1', { class: 'title' }, [icon([...ICONS.sparkle], 16), 'Gallery']),
        searchBox, this.statusSelect, this.dateSelect, this.fileSelect, this.count,
      ]));
      this.searchInput.addEventListener('input', () => this.onSearchInput());
      for (const select of [this.statusSelect, this.dateSelect, this.fileSelect]) select.addEventListener('change', () => this.applyFilters());
    } else {
      const open = button('Open gallery', { class: 'link-button', title: 'Open the full gallery' });
      open.addEventListener('click', () => void this.rpc.request({ kind: 'openInGallery' }).catch((error: unknown) => this.showToast(errorText(error), true)));
      root.append(el('header', { class: 'toolbar compact' }, [this.count, open]));
    }
    root.append(this.grid.scroller, this.lightbox.element, this.toast);

    this.grid.scroller.addEventListener('scroll', () => {
      this.scheduleRender();
      this.scheduleSaveState();
    }, { passive: true });
    this.grid.scroller.addEventListener('click', (event) => this.onGridClick(event));
    this.grid.scroller.addEventListener('pointerover', (event) => this.onHoverVideo(event, true));
    this.grid.scroller.addEventListener('pointerout', (event) => this.onHoverVideo(event, false));
    this.grid.scroller.addEventListener('focusin', (event) => this.onHoverVideo(event, true));
    this.grid.scroller.addEventListener('focusout', (event) => this.onHoverVideo(event, false));
    root.ownerDocument.addEventListener('keydown', (event) => this.onKey(event));
    if (typeof ResizeObserver !== 'undefined') new ResizeObserver(() => this.scheduleRender()).observe(this.grid.scroller);
    else window.addEventListener('resize', () => this.scheduleRender());
  }

  /** Say hello; the host answers with `init`. */
  start(): void {
    this.host.postMessage({ type: 'ready', query: this.query });
  }

  receive(message: HostToWebview): void {
    switch (message.type) {
      case 'init': this.onInit(message); break;
      case 'delta': this.onDelta(message); break;
      case 'reveal': void this.reveal(message.id); break;
      case 'reply':
        if (!this.rpc.settle(message)) return; // a late reply to a request that already timed out
        break;
    }
  }

  /** Render synchronously (tests and the bench). */
  renderNow(): void {
    this.frameScheduled = false;
    this.render();
  }

  get renderedRows(): number {
    return this.grid.renderedRowCount;
  }

  // ---- host messages ----

  private onInit(message: InitMessage): void {
    this.generation++;
    this.query = message.query;
    this.items.reset(message.total);
    this.items.put(0, message.items);
    this.setSourceFiles(message.sourceFiles);
    this.initialized = true;
    this.updateCount();
    this.render();
    const restored = this.restored;
    this.restored = undefined;
    if (restored && restored.scrollTop > 0) {
      this.grid.scroller.scrollTop = restored.scrollTop;
      this.render();
    }
    if (message.reveal !== undefined) void this.reveal(message.reveal);
    // A job open before the reload may have been cleared from the history since: then just don't reopen it.
    else if (restored?.lightbox && this.view === 'gallery') void this.openById(restored.lightbox.id, restored.lightbox.asset, true);
  }

  private onDelta(message: DeltaMessage): void {
    this.items.total = message.total;
    if (message.structural) {
      this.items.invalidate();
    }
    const shown = this.lightbox.shownId;
    let lightboxAffected = false;
    for (const item of message.upserted) {
      this.items.patch(item);
      if (shown !== undefined && (item.id === shown || item.parentId === shown)) lightboxAffected = true;
    }
    if (shown !== undefined && message.removed.includes(shown)) lightboxAffected = true;
    this.setSourceFiles(message.sourceFiles);
    this.updateCount();
    this.scheduleRender();
    if (lightboxAffected && shown !== undefined) void this.refreshLightbox(shown);
  }

  // ---- rendering and paging ----

  private scheduleRender(): void {
    if (this.frameScheduled) return;
    this.frameScheduled = true;
    this.requestFrame(() => {
      this.frameScheduled = false;
      this.render();
    });
  }

  private render(): void {
    if (!this.initialized) return;
    const { width, height } = this.measure(this.grid.scroller);
    this.grid.total = this.items.total;
    const range = this.grid.render(width, height, this.grid.scroller.scrollTop);
    // Fetch what is visible plus the next page, so steady scrolling rarely shows skeletons.
    const pages = pagesFor({ first: range.first, end: Math.min(this.items.total, range.end + PAGE_SIZE / 2) }, PAGE_SIZE);
    for (const page of this.items.takeMissing(pages)) void this.fetchPage(page);
    this.items.trim(pagesFor(range, PAGE_SIZE), KEEP_PAGES);
    this.grid.showEmpty(this.items.total === 0 ? this.emptyText() : undefined);
  }

  private emptyText(): string {
    const filtered = this.query.text !== '' || this.query.status !== 'all' || this.query.since !== 'any' || this.query.sourceFile !== '';
    return filtered ? 'No results match these filters.' : 'No results yet. Run a prompt — its images appear here.';
  }

  private async fetchPage(page: number): Promise<void> {
    const generation = this.generation;
    try {
      const result = await this.rpc.request({ kind: 'page', query: this.query, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
      if (generation !== this.generation) return;
      this.items.total = result.total;
      this.items.release(page);
      this.items.put(result.offset, result.items);
      this.updateCount();
      this.scheduleRender();
    } catch (error) {
      if (generation !== this.generation) return;
      this.items.release(page);
      this.showToast(errorText(error), true);
    }
  }

  private updateCount(): void {
    const total = this.items.total;
    this.count.textContent = `${total.toLocaleString('en-US')} ${total === 1 ? 'job' : 'jobs'}`;
  }

  // ---- filters ----

  private select<T extends string>(label: string, options: [T, string][], value: string): HTMLSelectElement {
    const select = el('select', { class: 'filter', attrs: { 'aria-label': label, title: label } });
    for (const [optionValue, text] of options) select.append(el('option', { text, attrs: { value: optionValue } }));
    select.value = value;
    return select;
  }

  private setSourceFiles(files: readonly string[]): void {
    const select = this.fileSelect;
    if (!select) return;
    const wanted = ['', ...files];
    const current = [...select.options].map((o) => o.value);
    if (wanted.length === current.length && wanted.every((f, i) => f === current[i])) return;
    clear(select);
    select.append(el('option', { text: 'All files', attrs: { value: '' } }));
    for (const file of files) select.append(el('option', { text: baseName(file), attrs: { value: file, title: file } }));
    select.value = files.includes(this.query.sourceFile) ? this.query.sourceFile : '';
  }

  private onSearchInput(): void {
    if (this.searchTimer !== undefined) this.timers.clearTimeout(this.searchTimer);
    this.searchTimer = this.timers.setTimeout(() => {
      this.searchTimer = undefined;
      this.applyFilters();
    }, 200);
  }

  private applyFilters(): void {
    this.setQuery({
      text: this.searchInput?.value ?? '',
      status: (this.statusSelect?.value ?? 'all') as StatusFilter,
      since: (this.dateSelect?.value ?? 'any') as DateFilter,
      sourceFile: this.fileSelect?.value ?? '',
    });
  }

  private setQuery(query: GalleryQuery): void {
    if (JSON.stringify(query) === JSON.stringify(this.query)) return;
    this.query = query;
    this.generation++;
    this.items.reset(this.items.total);
    this.grid.scroller.scrollTop = 0;
    if (this.searchInput && this.searchInput.value !== query.text) this.searchInput.value = query.text;
    if (this.statusSelect) this.statusSelect.value = query.status;
    if (this.dateSelect) this.dateSelect.value = query.since;
    if (this.fileSelect) this.fileSelect.value = query.sourceFile;
    // Page 0 tells the true total; until then show skeletons for the old count.
    this.render();
    this.scheduleSaveState();
  }

  // ---- grid interaction ----

  private onGridClick(event: MouseEvent): void {
    const target = (event.target as Element | null)?.closest<HTMLElement>('[data-action]');
    if (!target) return;
    const index = Number(target.dataset.index);
    const item = this.items.get(index);
    if (!item) return;
    const action = target.dataset.action;
    if (action === 'open') {
      const asset = Number(target.dataset.asset) || 0;
      if (this.view === 'latest') {
        void this.rpc.request({ kind: 'openInGallery', id: item.id }).catch((error: unknown) => this.showToast(errorText(error), true));
        return;
      }
      this.lastFocused = target;
      this.openAt(index, asset);
    } else if (action === 'press' && target.dataset.label) {
      void this.runAction('pressButton', item.id, target.dataset.label);
    } else if (action === 'favourite') {
      void this.toggleFavourite(item);
    } else if (action === 'revealSource' || action === 'cancelJob' || action === 'retryJob') {
      void this.runAction(action, item.id);
    }
  }

  private onHoverVideo(event: Event, entering: boolean): void {
    const tile = (event.target as Element | null)?.closest?.('.tile-open');
    const video = tile?.querySelector('video');
    if (!video) return;
    const related = (event as PointerEvent).relatedTarget as Node | null;
    if (related && tile?.contains(related)) return;
    if (entering) video.play()?.catch(() => undefined);
    else video.pause();
  }

  private onKey(event: KeyboardEvent): void {
    if (this.lightbox.handleKey(event)) {
      event.preventDefault();
      return;
    }
    const typing = event.target instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
    if (event.key === '/' && !typing && this.searchInput && !this.lightbox.isOpen) {
      event.preventDefault();
      this.searchInput.focus();
      return;
    }
    const tile = event.target instanceof HTMLElement ? event.target.closest<HTMLElement>('.tile-open') : null;
    if (tile && !this.lightbox.isOpen && this.moveTileFocus(tile, event.key)) event.preventDefault();
  }

  /** Arrow keys move between tiles: ←/→ along the images (across jobs), ↑/↓ to the job above/below. */
  private moveTileFocus(tile: HTMLElement, key: string): boolean {
    const index = Number(tile.dataset.index);
    const asset = Number(tile.dataset.asset);
    const count = this.items.get(index)?.assets.length ?? 1;
    let target: { index: number; asset: number | 'last' };
    if (key === 'ArrowRight') target = asset + 1 < count ? { index, asset: asset + 1 } : { index: index + 1, asset: 0 };
    else if (key === 'ArrowLeft') target = asset > 0 ? { index, asset: asset - 1 } : { index: index - 1, asset: 'last' };
    else if (key === 'ArrowDown') target = { index: index + 1, asset };
    else if (key === 'ArrowUp') target = { index: index - 1, asset };
    else return false;
    if (target.index < 0 || target.index >= this.items.total) return true;
    this.scrollToIndex(target.index);
    this.renderNow();
    const tiles = [...(this.grid.rowElement(target.index)?.querySelectorAll<HTMLElement>('.tile-open') ?? [])];
    if (tiles.length === 0) return true; // not loaded yet: stay
    const position = target.asset === 'last' ? tiles.length - 1 : Math.min(target.asset, tiles.length - 1);
    tiles[position].focus();
    return true;
  }

  // ---- lightbox ----

  private openAt(index: number, asset: number): void {
    const item = this.items.get(index);
    if (!item) return;
    this.lightboxIndex = index;
    this.showLightbox(item, asset);
    void this.refreshLightbox(item.id);
  }

  private showLightbox(item: GalleryItem, asset: number, detail?: JobDetail): void {
    const index = this.lightboxIndex;
    const position = Math.max(0, Math.min(asset, item.assets.length - 1));
    this.setBackgroundInert(true);
    this.lightbox.show({
      item,
      asset: position,
      detail,
      canPrevious: position > 0 || (index !== undefined && index > 0),
      canNext: position < item.assets.length - 1 || (index !== undefined && index < this.items.total - 1),
      position: index !== undefined ? `${(index + 1).toLocaleString('en-US')} / ${this.items.total.toLocaleString('en-US')}` : undefined,
    });
    this.scheduleSaveState();
  }

  private showLightboxAt(id: string | undefined, asset: number): void {
    if (id === undefined) return;
    const index = this.lightboxIndex;
    const item = index !== undefined ? this.items.get(index) : undefined;
    if (item && item.id === id) this.showLightbox(item, asset, this.lastDetail);
    else void this.refreshLightbox(id, asset);
  }

  private lastDetail: JobDetail | undefined;

  /** Ask the host for the job's current item and lineage, and show them if it is still open. */
  private async refreshLightbox(id: string, asset?: number, open = false, quiet = false): Promise<void> {
    try {
      const result = await this.rpc.request({ kind: 'job', id });
      if (!open) {
        if (this.lightbox.shownId !== undefined && this.lightbox.shownId !== id) return; // moved on meanwhile
        if (this.lightbox.shownId === undefined) return; // closed meanwhile
      }
      this.lastDetail = { parent: result.parent, children: result.children };
      this.showLightbox(result.item, asset ?? this.lightbox.shownAsset, this.lastDetail);
    } catch (error) {
      if (!quiet) this.showToast(errorText(error), true);
    }
  }

  private async navigate(step: 1 | -1): Promise<void> {
    const id = this.lightbox.shownId;
    const index = this.lightboxIndex;
    const current = index !== undefined ? this.items.get(index) : undefined;
    const asset = this.lightbox.shownAsset;
    if (current && current.id === id) {
      const next = asset + step;
      if (next >= 0 && next < current.assets.length) {
        this.showLightbox(current, next, this.lastDetail);
        this.scrollToIndex(index!);
        return;
      }
    }
    if (index === undefined) return;
    const target = index + step;
    if (target < 0 || target >= this.items.total) return;
    const item = await this.itemAt(target);
    if (!item || !this.lightbox.isOpen) return;
    this.lightboxIndex = target;
    this.lastDetail = undefined;
    this.showLightbox(item, step === 1 ? 0 : Math.max(0, item.assets.length - 1));
    this.scrollToIndex(target);
    void this.refreshLightbox(item.id);
  }

  /** The item at a list position, fetching its page when it is not loaded. */
  private async itemAt(index: number): Promise<GalleryItem | undefined> {
    const cached = this.items.get(index);
    if (cached) return cached;
    const page = Math.floor(index / PAGE_SIZE);
    const generation = this.generation;
    try {
      const result = await this.rpc.request({ kind: 'page', query: this.query, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
      if (generation !== this.generation) return undefined;
      this.items.total = result.total;
      this.items.put(result.offset, result.items);
      this.scheduleRender();
      return this.items.get(index);
    } catch (error) {
      this.showToast(errorText(error), true);
      return undefined;
    }
  }

  /** Open a job by id: at its place in the list when it is in it, else on its own. */
  private async openById(id: string, asset: number, quiet = false): Promise<void> {
    let index = this.items.indexOf(id);
    if (index < 0) {
      try {
        index = (await this.rpc.request({ kind: 'locate', id, query: this.query })).index;
      } catch (error) {
        this.showToast(errorText(error), true);
        return;
      }
    }
    if (index >= 0) {
      const item = await this.itemAt(index);
      if (item) {
        this.scrollToIndex(index);
        this.lightboxIndex = index;
        this.showLightbox(item, asset);
        void this.refreshLightbox(item.id);
        return;
      }
    }
    // Not in the filtered list: show it detached (no ←/→ through the list).
    this.lightboxIndex = undefined;
    this.lastDetail = undefined;
    await this.refreshLightbox(id, asset, true, quiet);
  }

  /** Host asked to show a job (midjourney.openGallery(ref)): clear filters that hide it. */
  private async reveal(id: string): Promise<void> {
    let index = this.items.indexOf(id);
    if (index < 0) {
      const located = await this.rpc.request({ kind: 'locate', id, query: this.query }).catch(() => ({ index: -1 }));
      index = located.index;
      if (index < 0 && JSON.stringify(this.query) !== JSON.stringify(DEFAULT_QUERY)) this.setQuery(DEFAULT_QUERY);
    }
    if (this.view === 'gallery') await this.openById(id, 0);
    else if (index >= 0) this.scrollToIndex(index);
  }

  private scrollToIndex(index: number): void {
    const layout = this.grid.currentLayout;
    const { height } = this.measure(this.grid.scroller);
    const top = scrollTopToShow(index, layout.rowHeight, this.grid.scroller.scrollTop, height, layout.padding);
    if (top !== this.grid.scroller.scrollTop) {
      this.grid.scroller.scrollTop = top;
      this.scheduleRender();
    }
  }

  private closeLightbox(): void {
    const index = this.lightboxIndex;
    this.lightbox.hide();
    this.setBackgroundInert(false);
    this.lightboxIndex = undefined;
    this.lastDetail = undefined;
    this.scheduleSaveState();
    // Return focus to the tile that opened the lightbox (or the first tile of the job's row).
    const row = index !== undefined ? this.grid.rowElement(index) : undefined;
    const focusTarget = this.lastFocused?.isConnected ? this.lastFocused : row?.querySelector<HTMLElement>('.tile-open') ?? this.grid.scroller;
    focusTarget.focus();
    this.lastFocused = undefined;
  }

  /** The dialog is modal: keyboard and screen-reader focus stay inside it while it is open. */
  private setBackgroundInert(inert: boolean): void {
    for (const child of this.grid.scroller.parentElement?.children ?? []) {
      if (child !== this.lightbox.element && child !== this.toast) (child as HTMLElement).inert = inert;
    }
  }

  // ---- actions ----

  private async runAction(action: JobAction, id: string, label?: string, extra?: { prompt?: string; mask?: string }): Promise<void> {
    const what = label !== undefined ? describeButton(label) : ACTION_NAMES[action];
    try {
      await this.rpc.request({ kind: 'action', action, id, ...(label !== undefined ? { label } : {}), ...extra });
      if (action === 'pressButton') this.showToast(`${what}: submitted`);
      else if (action === 'copyPrompt') this.showToast('Prompt copied');
    } catch (error) {
      this.showToast(`${what}: ${errorText(error)}`, true);
    }
  }

  private async toggleFavourite(item: GalleryItem): Promise<void> {
    try {
      await this.rpc.request({ kind: 'favourite', id: item.id, favourite: !item.favourite });
    } catch (error) {
      this.showToast(errorText(error), true);
    }
  }

  // ---- toast and UI state ----

  private showToast(text: string, isError = false): void {
    this.toast.textContent = text;
    this.toast.classList.toggle('error', isError);
    this.toast.classList.add('visible');
    if (this.toastTimer !== undefined) this.timers.clearTimeout(this.toastTimer);
    this.toastTimer = this.timers.setTimeout(() => this.toast.classList.remove('visible'), isError ? 6000 : 3000);
  }

  private scheduleSaveState(): void {
    if (this.stateTimer !== undefined) return;
    this.stateTimer = this.timers.setTimeout(() => {
      this.stateTimer = undefined;
      this.saveState();
    }, 150);
  }

  private saveState(): void {
    const id = this.lightbox.shownId;
    const state: UiState = { query: this.query, scrollTop: Math.round(this.grid.scroller.scrollTop) };
    if (id !== undefined) state.lightbox = { id, asset: this.lightbox.shownAsset };
    this.host.setState(state);
  }
}

const ACTION_NAMES: Record<JobAction, string> = {
  pressButton: 'Button',
  extractSeed: 'Get seed',
  revealSource: 'Reveal source',
  copyPrompt: 'Copy prompt',
  saveJobToWorkspace: 'Save to workspace',
  openJobFiles: 'Open file',
  cancelJob: 'Cancel',
  retryJob: 'Retry',
  pickBestOfFour: 'Pick the best of four',
};

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
