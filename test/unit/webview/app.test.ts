import * as assert from 'node:assert';
import type { GalleryItem, HostToWebview, RequestBody, ResultFor, ViewKind, WebviewToHost } from '../../../src/shared/galleryProtocol';
import { GalleryApp, PAGE_SIZE } from '../../../src/webview/app';
import type { Timers } from '../../../src/webview/rpc';
import { computeLayout, visibleRows } from '../../../src/webview/windowing';
import { installDom } from './dom-env';

const NOW = 1_750_000_000_000;
const QUERY = { text: '', status: 'all', since: 'any', sourceFile: '' } as const;

function makeItem(i: number, partial: Partial<GalleryItem> = {}): GalleryItem {
  return {
    id: `job-${i}`, prompt: `prompt number ${i} --ar 16:9`, verb: 'imagine', status: 'completed',
    assets: [1, 2, 3, 4].map((index) => ({ index, kind: 'image' as const, thumb: `https://cdn/t${i}-${index}.jpg`, full: `https://cdn/f${i}-${index}.png` })),
    buttons: ['U1', 'U2', 'U3', 'U4', '🔄', 'V1', 'V2', 'V3', 'V4'], childIds: [], createdAt: NOW - i * 60_000, updatedAt: NOW - i * 60_000,
    favourite: false, video: false, ...partial,
  };
}

function manualTimers(): Timers & { fire(): void } {
  const timers = new Map<number, () => void>();
  let next = 1;
  return {
    setTimeout: (fn) => { timers.set(next, fn); return next++; },
    clearTimeout: (handle) => { timers.delete(handle); },
    fire() { const all = [...timers.values()]; timers.clear(); for (const fn of all) fn(); },
  };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Harness {
  app: GalleryApp;
  posted: WebviewToHost[];
  state(): unknown;
  timers: ReturnType<typeof manualTimers>;
  frames(): void;
  send(message: HostToWebview): void;
  requests(kind?: RequestBody['kind']): Extract<WebviewToHost, { type: 'request' }>[];
  reply(request: Extract<WebviewToHost, { type: 'request' }>, result: Extract<HostToWebview, { type: 'reply'; ok: true }>['result']): Promise<void>;
  $(selector: string): HTMLElement | null;
  $$(selector: string): HTMLElement[];
  scroller(): HTMLElement;
  key(key: string): void;
}

let restoreDom: (() => void) | undefined;

function setup(options: { view?: ViewKind; state?: unknown; width?: number; height?: number } = {}): Harness {
  const dom = installDom();
  restoreDom = () => dom.restore();
  const posted: WebviewToHost[] = [];
  let state = options.state;
  const timers = manualTimers();
  const queued: (() => void)[] = [];
  const app = new GalleryApp({
    host: { postMessage: (m) => posted.push(m), getState: () => state, setState: (s) => { state = s; } },
    root: document.getElementById('app') as HTMLElement,
    view: options.view ?? 'gallery',
    measure: () => ({ width: options.width ?? 1400, height: options.height ?? 900 }),
    requestFrame: (callback) => queued.push(callback),
    timers,
    now: () => NOW,
  });
  const frames = () => { while (queued.length > 0) queued.shift()?.(); };
  const harness: Harness = {
    app, posted, timers, frames,
    state: () => state,
    send: (message) => { app.receive(message); frames(); },
    requests: (kind) => posted.filter((m): m is Extract<WebviewToHost, { type: 'request' }> => m.type === 'request' && (kind === undefined || m.body.kind === kind)),
    async reply(request, result) {
      app.receive({ type: 'reply', requestId: request.requestId, ok: true, result });
      await tick();
      frames();
    },
    $: (selector) => document.querySelector<HTMLElement>(selector),
    $$: (selector) => [...document.querySelectorAll<HTMLElement>(selector)],
    scroller: () => document.querySelector<HTMLElement>('.scroller') as HTMLElement,
    key: (key) => { document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true })); frames(); },
  };
  app.start();
  return harness;
}

function init(h: Harness, total: number, items: GalleryItem[], extra: Partial<Extract<HostToWebview, { type: 'init' }>> = {}): void {
  h.send({ type: 'init', view: 'gallery', query: { ...QUERY }, total, items, sourceFiles: ['/w/a.prompts'], ...extra });
}

describe('webview/app (jsdom)', () => {
  afterEach(() => {
    restoreDom?.();
    restoreDom = undefined;
  });

  it('says ready, then renders only the visible rows of the init snapshot', () => {
    const h = setup();
    assert.deepStrictEqual(h.posted[0], { type: 'ready', query: QUERY });
    init(h, 5000, Array.from({ length: 96 }, (_, i) => makeItem(i)));
    const layout = computeLayout(1400, 'gallery');
    const expected = visibleRows(0, 900, layout.rowHeight, 5000, 2, layout.padding);
    const rows = h.$$('.job-row');
    assert.strictEqual(rows.length, expected.end - expected.first);
    assert.ok(rows.length < 12, `only a screenful of rows, got ${rows.length}`);
    assert.strictEqual(h.$('.job-row[data-index="0"] .prompt')?.textContent, 'prompt number 0');
    assert.deepStrictEqual(h.$$('.job-row[data-index="0"] .param').map((p) => p.textContent), ['--ar 16:9']);
    assert.strictEqual(h.$$('.job-row[data-index="0"] img.media').length, 4);
    assert.strictEqual(h.$('.job-row[data-index="0"] img.media')?.getAttribute('src'), 'https://cdn/t0-1.jpg');
    assert.strictEqual(h.$('.spacer')?.style.height, `${5000 * layout.rowHeight + layout.padding}px`);
    assert.strictEqual(h.$('.count')?.textContent, '5,000 jobs');
    assert.strictEqual(h.$('.job-row[data-index="2"]')?.getAttribute('aria-posinset'), '3');
    assert.strictEqual(h.$('.job-row[data-index="2"]')?.getAttribute('aria-setsize'), '5000');
    assert.strictEqual(h.requests('page').length, 0, 'the snapshot covers the first screen');
  });

  it('renders prompt and reason text as text: markup in a prompt creates no element', () => {
    const h = setup();
    const evil = '<img src=x onerror=alert(1)>';
    init(h, 2, [makeItem(0, { prompt: `${evil} a cat` }), makeItem(1, { status: 'failed', assets: [], buttons: [], reason: `<b>bad</b>${evil}` })]);
    assert.strictEqual(h.$('.job-row[data-index="0"] .prompt')?.textContent, `${evil} a cat`);
    assert.strictEqual(h.$('.job-row[data-index="1"] .notice .reason')?.textContent, `<b>bad</b>${evil}`);
    assert.strictEqual(h.$$('img[src="x"]').length, 0);
    assert.strictEqual(h.$$('b').length, 0);
    assert.strictEqual(h.$$('[onerror]').length, 0);
  });

  it('shows status, progress and moderation badges', () => {
    const h = setup();
    init(h, 3, [
      makeItem(0, { status: 'running', progress: 37, assets: [], buttons: [] }),
      makeItem(1, { status: 'moderated', assets: [], buttons: [], reason: 'Banned prompt' }),
      makeItem(2, { parentId: 'job-9', parentButton: 'U2', assets: [{ index: 1, kind: 'image', thumb: 'https://cdn/s.jpg' }] }),
    ]);
    assert.strictEqual(h.$('.job-row[data-index="0"] .badge')?.textContent, 'Rendering 37%');
    assert.strictEqual(h.$('.job-row[data-index="0"] [role="progressbar"]')?.getAttribute('aria-valuenow'), '37');
    assert.strictEqual(h.$$('.job-row[data-index="0"] .tile.placeholder').length, 4);
    assert.strictEqual(h.$('.job-row[data-index="1"] .notice .badge')?.textContent, 'Moderated');
    assert.strictEqual(h.$('.job-row[data-index="1"] .notice .reason')?.textContent, 'Banned prompt');
    assert.strictEqual(h.$('.job-row[data-index="2"] .lineage-fact')?.textContent, 'from U2');
    assert.ok(h.$('.job-row[data-index="1"] [data-action="retryJob"]'), 'failed jobs offer retry');
    assert.ok(h.$('.job-row[data-index="0"] [data-action="cancelJob"]'), 'running jobs offer cancel');
  });

  it('asks for pages while scrolling, shows skeletons meanwhile, and renders the answer', async () => {
    const h = setup();
    init(h, 5000, Array.from({ length: 96 }, (_, i) => makeItem(i)));
    const layout = computeLayout(1400, 'gallery');
    h.scroller().scrollTop = layout.padding + 2000 * layout.rowHeight;
    h.scroller().dispatchEvent(new Event('scroll'));
    h.frames();
    const pages = h.requests('page');
    assert.ok(pages.length >= 1);
    const first = pages[0].body as Extract<RequestBody, { kind: 'page' }>;
    assert.strictEqual(first.offset, Math.floor(1998 / PAGE_SIZE) * PAGE_SIZE);
    assert.strictEqual(first.limit, PAGE_SIZE);
    assert.ok(h.$$('.job-row.skeleton').length > 0);
    assert.strictEqual(h.$('.job-row[data-index="0"]'), null, 'rows scrolled away leave the DOM');
    for (const request of pages) {
      const body = request.body as Extract<RequestBody, { kind: 'page' }>;
      await h.reply(request, { kind: 'page', total: 5000, offset: body.offset, items: Array.from({ length: body.limit }, (_, i) => makeItem(body.offset + i)) });
    }
    assert.strictEqual(h.$$('.job-row.skeleton').length, 0);
    assert.strictEqual(h.$('.job-row[data-index="2000"] .prompt')?.textContent, 'prompt number 2000');
    assert.ok(h.$$('.job-row').length < 12);
  });

  it('applies deltas: patches a changed job in place and refetches after a structural change', () => {
    const h = setup();
    init(h, 2, [makeItem(0, { status: 'running', progress: 10, assets: [], buttons: [] }), makeItem(1)]);
    h.send({ type: 'delta', total: 2, upserted: [makeItem(0, { status: 'running', progress: 80, assets: [], buttons: [] })], removed: [], structural: false, sourceFiles: [] });
    assert.strictEqual(h.$('.job-row[data-index="0"] [role="progressbar"]')?.getAttribute('aria-valuenow'), '80');
    assert.strictEqual(h.requests('page').length, 0);
    h.send({ type: 'delta', total: 3, upserted: [], removed: [], structural: true, sourceFiles: [] });
    assert.strictEqual(h.$('.count')?.textContent, '3 jobs');
    const refetch = h.requests('page');
    assert.strictEqual(refetch.length, 1);
    assert.strictEqual((refetch[0].body as Extract<RequestBody, { kind: 'page' }>).offset, 0);
  });

  it('a job added on top moves the existing rows down without rebuilding them (images stay loaded)', async () => {
    const h = setup();
    init(h, 3, [makeItem(0), makeItem(1), makeItem(2)]);
    const before = h.$('.job-row[data-id="job-0"]');
    h.send({ type: 'delta', total: 4, upserted: [], removed: [], structural: true, sourceFiles: [] });
    const refetch = h.requests('page').at(-1);
    assert.ok(refetch);
    await h.reply(refetch, { kind: 'page', total: 4, offset: 0, items: [makeItem(9, { status: 'queued', assets: [], buttons: [] }), makeItem(0), makeItem(1), makeItem(2)] });
    const after = h.$('.job-row[data-id="job-0"]');
    assert.strictEqual(after, before, 'same element');
    assert.strictEqual(after?.dataset.index, '1');
    assert.strictEqual(after?.querySelector<HTMLElement>('.tile-open')?.dataset.index, '1', 'its controls point at the new position');
    assert.strictEqual(h.$('.job-row[data-index="0"]')?.dataset.id, 'job-9');
    assert.strictEqual(h.$$('.job-row').length, 4);
  });

  it('lightbox: opens from a tile, shows lineage, navigates with the keyboard, presses U2, closes on Escape', async () => {
    const h = setup();
    init(h, 3, [makeItem(0), makeItem(1), makeItem(2)]);
    h.$('.job-row[data-index="1"] .tile-open')?.click();
    h.frames();
    assert.strictEqual(h.$('.lightbox')?.hidden, false);
    assert.strictEqual(h.$('.lb-media')?.getAttribute('src'), 'https://cdn/f1-1.png');
    assert.strictEqual(h.$('.lb-prompt')?.textContent, 'prompt number 1');
    assert.strictEqual(h.$('.lb-position')?.textContent, '2 / 3');
    assert.strictEqual(h.scroller().inert, true, 'the grid behind the dialog is inert');
    const jobRequest = h.requests('job')[0];
    assert.deepStrictEqual(jobRequest.body, { kind: 'job', id: 'job-1' });
    const detail: ResultFor<'job'> = { kind: 'job', item: makeItem(1), parent: { id: 'job-2', label: 'the parent', status: 'completed' }, children: [{ id: 'job-0', label: 'U2', status: 'completed', thumb: 'https://cdn/c.jpg' }] };
    await h.reply(jobRequest, detail);
    assert.deepStrictEqual(h.$$('.lineage-card .lineage-label').map((l) => l.textContent), ['the parent', 'U2']);
    // Every button of the job, exactly.
    assert.deepStrictEqual(h.$$('.job-button').map((b) => b.dataset.label), ['U1', 'U2', 'U3', 'U4', 'V1', 'V2', 'V3', 'V4', '🔄']);
    h.key('ArrowRight');
    assert.strictEqual(h.$('.lb-media')?.getAttribute('src'), 'https://cdn/f1-2.png');
    h.key('ArrowLeft');
    h.key('ArrowLeft');
    await tick();
    assert.strictEqual(h.$('.lb-media')?.getAttribute('src'), 'https://cdn/f0-4.png', 'past the first image: the previous job\'s last');
    h.key('ArrowRight');
    await tick();
    assert.strictEqual(h.$('.lb-prompt')?.textContent, 'prompt number 1');
    const refreshed = h.requests('job').at(-1);
    assert.deepStrictEqual(refreshed?.body, { kind: 'job', id: 'job-1' });
    if (refreshed) await h.reply(refreshed, detail);
    (h.$('.job-button[data-label="U2"]') as HTMLButtonElement).click();
    const action = h.requests('action').at(-1);
    assert.deepStrictEqual(action?.body, { kind: 'action', action: 'pressButton', id: 'job-1', label: 'U2' });
    if (action) await h.reply(action, { kind: 'action' });
    assert.strictEqual(h.$('.toast')?.textContent, 'Upscale image 2: submitted');
    // Clicking a lineage card opens that job.
    (h.$('.lineage-card[data-lineage="job-0"]') as HTMLButtonElement).click();
    await tick();
    h.frames();
    assert.strictEqual(h.$('.lb-prompt')?.textContent, 'prompt number 0');
    assert.strictEqual(h.$('.lb-from'), null, 'not a child');
    h.key('Escape');
    assert.strictEqual(h.$('.lightbox')?.hidden, true);
    assert.strictEqual(h.$$('.lb-side *').length, 0);
    assert.strictEqual(h.scroller().inert, false);
  });

  it('lightbox: shows the AI decision as text, with the model', async () => {
    const h = setup();
    const picked = makeItem(0, { ai: { model: 'fake-vision-1', reason: '<b>sharpest</b> subject', pickedIndex: 2 } });
    init(h, 1, [picked]);
    h.$('.job-row[data-index="0"] .tile-open')?.click();
    await h.reply(h.requests('job')[0], { kind: 'job', item: picked, children: [] });
    const row = h.$$('.lb-details dt').find((dt) => dt.textContent === 'AI pick');
    assert.ok(row, 'an AI pick row');
    assert.strictEqual(row.nextElementSibling?.textContent, 'Picked image 2: <b>sharpest</b> subject (fake-vision-1)');
    assert.strictEqual(h.$('.lb-details b'), null, 'the reason is text, not markup');
  });

  it('refreshes the open lightbox when a child of its job appears', async () => {
    const h = setup();
    init(h, 1, [makeItem(0)]);
    h.$('.job-row[data-index="0"] .tile-open')?.click();
    await h.reply(h.requests('job')[0], { kind: 'job', item: makeItem(0), children: [] });
    const child = makeItem(5, { parentId: 'job-0', parentButton: 'U2' });
    h.send({ type: 'delta', total: 2, upserted: [child], removed: [], structural: true, sourceFiles: [] });
    const again = h.requests('job');
    assert.strictEqual(again.length, 2, 'job details asked for again');
    await h.reply(again[1], { kind: 'job', item: makeItem(0, { childIds: ['job-5'] }), children: [{ id: 'job-5', label: 'U2', status: 'running' }] });
    assert.deepStrictEqual(h.$$('.lineage-card .lineage-label').map((l) => l.textContent), ['U2']);
    h.$('.lineage-card')?.click();
    const locate = h.requests('locate').at(-1);
    assert.deepStrictEqual(locate?.body, { kind: 'locate', id: 'job-5', query: QUERY });
    if (locate) await h.reply(locate, { kind: 'locate', index: -1 }); // e.g. filtered out: shown on its own
    const childDetail = h.requests('job').at(-1);
    assert.deepStrictEqual(childDetail?.body, { kind: 'job', id: 'job-5' });
    if (childDetail) await h.reply(childDetail, { kind: 'job', item: child, parent: { id: 'job-0', label: 'prompt number 0', status: 'completed' }, children: [] });
    assert.strictEqual(h.$('.lb-from')?.textContent, 'from Upscale image 2');
  });

  it('Custom Zoom asks for a prompt and Vary (Region) opens the mask editor', async () => {
    const h = setup();
    const single = makeItem(0, { prompt: 'a lighthouse', assets: [{ index: 1, kind: 'image', full: 'https://cdn/one.png' }], buttons: ['Vary (Region)', 'Custom Zoom', '⬅️'] });
    init(h, 1, [single]);
    h.$('.tile-open')?.click();
    await h.reply(h.requests('job')[0], { kind: 'job', item: single, children: [] });
    assert.deepStrictEqual(h.$$('.job-button').map((b) => b.textContent), ['Vary (Region)', 'Custom Zoom', '⬅️ Pan left']);
    (h.$('.job-button[data-label="Custom Zoom"]') as HTMLButtonElement).click();
    const textarea = h.$('.zoom-form textarea') as HTMLTextAreaElement;
    assert.strictEqual(textarea.value, 'a lighthouse --zoom 1.5');
    textarea.value = 'a lighthouse --zoom 2';
    (h.$('.zoom-form') as HTMLFormElement).dispatchEvent(new Event('submit', { cancelable: true }));
    assert.deepStrictEqual(h.requests('action').at(-1)?.body, { kind: 'action', action: 'pressButton', id: 'job-0', label: 'Custom Zoom', prompt: 'a lighthouse --zoom 2' });
    (h.$('.job-button[data-label="Vary (Region)"]') as HTMLButtonElement).click();
    assert.ok(h.$('.mask-editor canvas.mask-canvas'));
    // Submitting without painting explains instead of sending an empty mask.
    (h.$$('.mask-tools button').find((b) => b.textContent === 'Vary region') as HTMLButtonElement).click();
    assert.strictEqual(h.$('.mask-editor .form-error')?.textContent, 'Paint the region to vary first.');
    assert.strictEqual(h.requests('action').length, 1);
    h.key('Escape');
    assert.strictEqual(h.$('.mask-editor'), null, 'Escape leaves the editor first');
    assert.strictEqual(h.$('.lightbox')?.hidden, false);
  });

  it('filters: the status select asks the host again and the query is kept in setState only as UI state', () => {
    const h = setup();
    init(h, 10, Array.from({ length: 10 }, (_, i) => makeItem(i)));
    const select = h.$('select[aria-label="Status"]') as HTMLSelectElement;
    select.value = 'favourites';
    select.dispatchEvent(new Event('change'));
    h.frames();
    const page = h.requests('page').at(-1)?.body as Extract<RequestBody, { kind: 'page' }>;
    assert.deepStrictEqual(page.query, { ...QUERY, status: 'favourites' });
    assert.strictEqual(page.offset, 0);
    h.timers.fire();
    assert.deepStrictEqual(h.state(), { query: { ...QUERY, status: 'favourites' }, scrollTop: 0 });
    const files = [...(h.$('select[aria-label="Source file"]') as HTMLSelectElement).options].map((o) => o.value);
    assert.deepStrictEqual(files, ['', '/w/a.prompts']);
  });

  it('restores its UI state after a reload: the query goes with ready, the open job is reopened', async () => {
    const h = setup({ state: { query: { ...QUERY, text: 'cat' }, scrollTop: 0, lightbox: { id: 'job-1', asset: 2 } } });
    assert.deepStrictEqual(h.posted[0], { type: 'ready', query: { ...QUERY, text: 'cat' } });
    assert.strictEqual((h.$('input[type="search"]') as HTMLInputElement).value, 'cat');
    init(h, 2, [makeItem(0), makeItem(1)], { query: { ...QUERY, text: 'cat' } });
    await tick();
    assert.strictEqual(h.$('.lightbox')?.hidden, false);
    assert.strictEqual(h.$('.lb-media')?.getAttribute('src'), 'https://cdn/f1-3.png');
  });

  it('arrow keys move the focus between tiles and jobs', () => {
    const h = setup();
    init(h, 3, [makeItem(0), makeItem(1, { assets: [{ index: 1, kind: 'image', thumb: 'https://cdn/one.jpg' }] }), makeItem(2)]);
    const focused = () => {
      const active = document.activeElement as HTMLElement | null;
      return `${active?.dataset.index}:${active?.dataset.asset}`;
    };
    const press = (key: string) => document.activeElement?.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
    (h.$('.job-row[data-index="0"] .tile-open[data-asset="3"]') as HTMLElement).focus();
    press('ArrowRight');
    assert.strictEqual(focused(), '1:0', 'past the last image of a job: the next job');
    press('ArrowDown');
    assert.strictEqual(focused(), '2:0');
    press('ArrowUp');
    press('ArrowUp');
    assert.strictEqual(focused(), '0:0');
    press('ArrowUp');
    assert.strictEqual(focused(), '0:0', 'stays at the top');
    press('ArrowDown');
    press('ArrowLeft');
    assert.strictEqual(focused(), '0:3', 'back to the last image of the job above');
  });

  it('after a reload, a job that left the history meanwhile is simply not reopened', async () => {
    const h = setup({ state: { query: { ...QUERY }, scrollTop: 0, lightbox: { id: 'job-gone', asset: 0 } } });
    init(h, 1, [makeItem(0)]);
    const locate = h.requests('locate')[0];
    await h.reply(locate, { kind: 'locate', index: -1 });
    const job = h.requests('job')[0];
    h.app.receive({ type: 'reply', requestId: job.requestId, ok: false, error: 'This job is no longer in the history.' });
    await tick();
    assert.strictEqual(h.$('.lightbox')?.hidden, true);
    assert.strictEqual(h.$('.toast')?.classList.contains('visible'), false);
  });

  it('a request the host never answers times out with a visible message', () => {
    const h = setup();
    init(h, 1, [makeItem(0)]);
    (h.$('[data-action="favourite"]') as HTMLButtonElement).click();
    assert.strictEqual(h.requests('favourite').length, 1);
    h.timers.fire();
    return tick().then(() => {
      assert.match(h.$('.toast')?.textContent ?? '', /did not answer "favourite"/);
      assert.ok(h.$('.toast')?.classList.contains('error'));
    });
  });

  it('every action control has an accessible name', () => {
    const h = setup();
    init(h, 3, [makeItem(0), makeItem(1, { status: 'failed', assets: [], buttons: [], reason: 'x', source: { file: '/w/a.prompts', line: 3 } }), makeItem(2, { status: 'running', assets: [], buttons: [] })]);
    h.$('.job-row[data-index="0"] .tile-open')?.click();
    const unnamed = h.$$('button, select, input, textarea').filter((b) => !(b.getAttribute('aria-label') || b.textContent?.trim()));
    assert.deepStrictEqual(unnamed.map((b) => b.outerHTML.slice(0, 80)), []);
  });

  it('videos play while hovered and pause when left; the lightbox shows them with controls', () => {
    const h = setup();
    const calls: string[] = [];
    const media = (window as unknown as { HTMLMediaElement: { prototype: { play(): Promise<void>; pause(): void } } }).HTMLMediaElement.prototype;
    media.play = function play(this: HTMLVideoElement) { calls.push(`play ${this.getAttribute('src')}`); return Promise.resolve(); };
    media.pause = function pause(this: HTMLVideoElement) { calls.push(`pause ${this.getAttribute('src')}`); };
    const clip = makeItem(0, { video: true, assets: [{ index: 1, kind: 'video', full: 'https://cdn/v1.mp4' }], buttons: ['Extend (High motion)', 'Extend (Low motion)'] });
    init(h, 1, [clip]);
    const video = h.$('.tile video') as HTMLVideoElement;
    assert.ok(video.hasAttribute('muted') && video.hasAttribute('loop') && video.hasAttribute('playsinline'));
    const open = h.$('.tile-open') as HTMLElement;
    open.dispatchEvent(new MouseEvent('pointerover', { bubbles: true }));
    open.dispatchEvent(new MouseEvent('pointerout', { bubbles: true }));
    assert.deepStrictEqual(calls, ['play https://cdn/v1.mp4', 'pause https://cdn/v1.mp4']);
    open.click();
    const big = h.$('.lightbox video.lb-media') as HTMLVideoElement;
    assert.ok(big.hasAttribute('controls') && big.hasAttribute('autoplay'));
    assert.deepStrictEqual(h.$$('.job-button').map((b) => b.dataset.label), ['Extend (High motion)', 'Extend (Low motion)']);
  });

  it('the sidebar view opens the gallery panel instead of a lightbox', () => {
    const h = setup({ view: 'latest', width: 300 });
    h.send({ type: 'init', view: 'latest', query: { ...QUERY }, total: 1, items: [makeItem(0)], sourceFiles: [] });
    assert.strictEqual(h.$('select'), null, 'no filters in the sidebar');
    h.$('.tile-open')?.click();
    assert.deepStrictEqual(h.requests('openInGallery').at(-1)?.body, { kind: 'openInGallery', id: 'job-0' });
    assert.strictEqual(h.$('.lightbox')?.hidden, true);
  });

  it('a reveal from the host opens that job', async () => {
    const h = setup();
    init(h, 3, [makeItem(0), makeItem(1), makeItem(2)]);
    h.send({ type: 'reveal', id: 'job-2' });
    await tick();
    h.frames();
    assert.strictEqual(h.$('.lb-prompt')?.textContent, 'prompt number 2');
  });
});
