import * as assert from 'node:assert';
import type { JobStoreChange, JobStoreReader, Listener } from '../../../src/core/jobs/api';
import type { JobRecord } from '../../../src/core/jobs/model';
import { silentLogger } from '../../../src/core/ports';
import { GalleryConnection, type GalleryServices } from '../../../src/host/webviews/galleryConnection';
import { displayedAssets, matchesQuery, toGalleryItem, type MediaUris } from '../../../src/host/webviews/galleryItems';
import { DEFAULT_QUERY, GalleryItemSchema, HostToWebviewSchema, type HostToWebview } from '../../../src/shared/galleryProtocol';

const NOW = 1_750_000_000_000;
let counter = 0;
function job(partial: Partial<JobRecord> = {}): JobRecord {
  counter++;
  return {
    id: `local-${counter}`, request: { verb: 'imagine', prompt: `prompt ${counter} --ar 1:1` }, verb: 'imagine', state: 'completed',
    buttons: ['U1', 'U2', 'U3', 'U4', '🔄', 'V1', 'V2', 'V3', 'V4'],
    assets: [
      { index: 0, kind: 'grid', url: 'https://cdn/grid.png', cachedPath: `/cache/${counter}-grid.png` },
      ...[1, 2, 3, 4].map((i) => ({ index: i, kind: 'image' as const, url: `https://cdn/${i}.jpeg`, cachedPath: `/cache/${counter}-${i}.jpeg` })),
    ],
    priority: 'user', createdAt: NOW - counter * 1000, updatedAt: NOW - counter * 1000, ...partial,
  };
}

class FakeStore implements JobStoreReader {
  jobs: JobRecord[] = [];
  private listeners: Listener<JobStoreChange>[] = [];
  all() { return [...this.jobs].sort((a, b) => b.createdAt - a.createdAt); }
  get(id: string) { return this.jobs.find((j) => j.id === id); }
  byJobId(jobId: string) { return this.jobs.find((j) => j.jobId === jobId); }
  children(id: string) { return this.jobs.filter((j) => j.parentId === id).sort((a, b) => a.createdAt - b.createdAt); }
  search(text: string) { return this.all().filter((j) => JSON.stringify(j.request).toLowerCase().includes(text.toLowerCase())); }
  onDidChange(listener: Listener<JobStoreChange>) {
    this.listeners.push(listener);
    return { dispose: () => { this.listeners = this.listeners.filter((l) => l !== listener); } };
  }
  upsert(...records: JobRecord[]) {
    for (const record of records) {
      const at = this.jobs.findIndex((j) => j.id === record.id);
      if (at >= 0) this.jobs[at] = record;
      else this.jobs.push(record);
    }
    for (const l of this.listeners) l({ upserted: records, removed: [] });
  }
}

const media: MediaUris = {
  full: (path) => (path.startsWith('/cache/') ? `https://webview${path}?v=1` : undefined),
  thumb: (path) => (path.startsWith('/cache/') ? `https://webview/thumbs${path}` : undefined),
};

function setup(options: { visible?: boolean } = {}) {
  const store = new FakeStore();
  const posted: HostToWebview[] = [];
  const commands: unknown[][] = [];
  let favourites: string[] = [];
  let visible = options.visible ?? true;
  const timers: (() => void)[] = [];
  const opened: (string | undefined)[] = [];
  const services: GalleryServices = {
    store, log: silentLogger,
    favourites: { get: () => favourites, set: async (ids) => { favourites = ids; } },
    executeCommand: async (command, ...args) => {
      commands.push([command, ...args]);
      if (command === 'midjourney.retryJob') throw new Error('No token configured.');
      return undefined;
    },
    openGallery: async (id) => { opened.push(id); },
    now: () => NOW,
    setTimer: (fn) => { timers.push(fn); return { cancel: () => undefined }; },
  };
  const connection = new GalleryConnection({ view: 'gallery', post: (m) => posted.push(m), isVisible: () => visible, media }, services);
  store.onDidChange((change) => connection.onStoreChange(change));
  return {
    store, posted, commands, connection, opened,
    favourites: () => favourites,
    setVisible: (v: boolean) => { visible = v; connection.onVisibilityChanged(); },
    flushTimers: () => { while (timers.length > 0) timers.shift()?.(); },
    last: () => posted[posted.length - 1],
    async request(body: unknown, requestId = 'r1') {
      await connection.handleMessage({ type: 'request', requestId, body });
      return posted[posted.length - 1];
    },
  };
}

describe('host/webviews/galleryConnection', () => {
  it('answers ready with a snapshot: the first page, the total and the source files, all valid per the schema', async () => {
    const h = setup();
    const a = job({ source: { file: '/w/a.prompts', line: 3 } });
    const b = job({ verb: 'info', request: { verb: 'info' } }); // not a picture: left out
    h.store.upsert(a, b, job());
    await h.connection.handleMessage({ type: 'ready' });
    const init = h.last();
    assert.ok(HostToWebviewSchema.safeParse(init).success);
    assert.strictEqual(init.type, 'init');
    if (init.type !== 'init') return;
    assert.strictEqual(init.total, 2);
    assert.deepStrictEqual(init.items.map((i) => i.id), [a.id, `local-${counter}`]);
    assert.deepStrictEqual(init.sourceFiles, ['/w/a.prompts']);
    assert.deepStrictEqual(init.items[0].assets.map((x) => [x.index, x.kind, x.thumb]), [1, 2, 3, 4].map((i) => [i, 'image', `https://webview/thumbs/cache/${counter - 2}-${i}.jpeg`]));
  });

  it('rejects malformed messages with an error reply when it can tell the request id, and never throws', async () => {
    const h = setup();
    await h.connection.handleMessage({ type: 'request', requestId: 'bad1', body: { kind: 'page', query: DEFAULT_QUERY, offset: -5, limit: 10 } });
    const reply = h.last();
    assert.strictEqual(reply.type, 'reply');
    if (reply.type === 'reply') {
      assert.strictEqual(reply.requestId, 'bad1');
      assert.strictEqual(reply.ok, false);
    }
    const before = h.posted.length;
    await h.connection.handleMessage('<script>');
    await h.connection.handleMessage({ type: 'ready', query: { text: 1 } });
    assert.strictEqual(h.posted.length, before, 'nothing to answer');
  });

  it('does not echo a huge hostile key into the log or the error reply', async () => {
    const h = setup();
    const warnings: string[] = [];
    const connection = new GalleryConnection({ view: 'gallery', post: (m) => h.posted.push(m), isVisible: () => true, media }, {
      store: h.store, log: { ...silentLogger, warn: (m: string) => warnings.push(m) }, favourites: { get: () => [], set: async () => undefined },
      executeCommand: async () => undefined, openGallery: async () => undefined, now: () => NOW, setTimer: () => ({ cancel: () => undefined }),
    });
    await connection.handleMessage({ type: 'request', requestId: 'big', body: { kind: 'job', id: 'x', ['k'.repeat(100_000)]: 1 } });
    const reply = h.last();
    assert.ok(reply.type === 'reply' && !reply.ok && reply.requestId === 'big');
    assert.ok(reply.error.length < 300, `error reply of ${reply.error.length} chars`);
    assert.strictEqual(warnings.length, 1);
    assert.ok(warnings[0].length < 300, `log line of ${warnings[0].length} chars`);
  });

  it('serves pages of the filtered list and locates jobs', async () => {
    const h = setup();
    const jobs = Array.from({ length: 30 }, (_, i) => job({ request: { verb: 'imagine', prompt: i % 2 ? `odd cat ${i}` : `even dog ${i}` } }));
    h.store.upsert(...jobs);
    const reply = await h.request({ kind: 'page', query: { ...DEFAULT_QUERY, text: 'CAT' }, offset: 5, limit: 5 });
    assert.ok(reply.type === 'reply' && reply.ok && reply.result.kind === 'page');
    if (reply.type !== 'reply' || !reply.ok || reply.result.kind !== 'page') return;
    assert.strictEqual(reply.result.total, 15);
    assert.strictEqual(reply.result.items.length, 5);
    assert.ok(reply.result.items.every((i) => i.prompt.includes('cat')));
    const located = await h.request({ kind: 'locate', id: jobs[1].id, query: { ...DEFAULT_QUERY, text: 'cat' } });
    assert.deepStrictEqual(located.type === 'reply' && located.ok ? located.result : undefined, { kind: 'locate', index: 0 });
    const missing = await h.request({ kind: 'locate', id: jobs[0].id, query: { ...DEFAULT_QUERY, text: 'cat' } });
    assert.deepStrictEqual(missing.type === 'reply' && missing.ok ? missing.result : undefined, { kind: 'locate', index: -1 });
  });

  it('returns a job with its lineage: parent and children', async () => {
    const h = setup();
    const parent = job();
    const child = job({ verb: 'button', request: { verb: 'button', parentJobId: 'x', button: 'U2' }, parentId: parent.id, parentButton: 'U2', createdAt: NOW });
    const seed = job({ verb: 'seed', request: { verb: 'seed', parentJobId: 'x' }, parentId: parent.id, seed: 42 });
    h.store.upsert(parent, child, seed);
    const reply = await h.request({ kind: 'job', id: parent.id });
    if (reply.type !== 'reply' || !reply.ok || reply.result.kind !== 'job') return assert.fail(JSON.stringify(reply));
    assert.deepStrictEqual(reply.result.children.map((c) => [c.id, c.label]), [[child.id, 'U2']]);
    assert.strictEqual(reply.result.item.seed, 42, 'the seed a seed child extracted');
    assert.deepStrictEqual(reply.result.item.childIds, [child.id]);
    const up = await h.request({ kind: 'job', id: child.id });
    if (up.type !== 'reply' || !up.ok || up.result.kind !== 'job') return assert.fail();
    assert.strictEqual(up.result.parent?.id, parent.id);
    assert.strictEqual(up.result.parent?.label, parent.request.verb === 'imagine' ? parent.request.prompt : '');
    assert.strictEqual(up.result.item.prompt, up.result.parent?.label, 'a U2 child reads like its parent, not "U2"');
    // …and is found by its parent's words.
    const found = await h.request({ kind: 'locate', id: child.id, query: { ...DEFAULT_QUERY, text: up.result.parent?.label ?? '?' } });
    assert.ok(found.type === 'reply' && found.ok && found.result.kind === 'locate' && found.result.index >= 0);
    const gone = await h.request({ kind: 'job', id: 'nope' });
    assert.ok(gone.type === 'reply' && !gone.ok && /no longer/.test(gone.error));
  });

  it('runs actions as commands with a job reference, and presses only buttons the job offers', async () => {
    const h = setup();
    const grid = job();
    const single = job({ buttons: ['Vary (Region)', 'Custom Zoom'] });
    const running = job({ state: 'running', buttons: ['U1'] });
    h.store.upsert(grid, single, running);
    const ok = await h.request({ kind: 'action', action: 'pressButton', id: grid.id, label: 'U2' });
    assert.deepStrictEqual(ok, { type: 'reply', requestId: 'r1', ok: true, result: { kind: 'action' } });
    assert.deepStrictEqual(h.commands.at(-1), ['midjourney.pressButton', { id: grid.id }, 'U2', undefined]);
    const notOffered = await h.request({ kind: 'action', action: 'pressButton', id: grid.id, label: 'Vary (Region)', mask: 'AAAA' });
    assert.ok(notOffered.type === 'reply' && !notOffered.ok && /does not offer/.test(notOffered.error));
    const notDone = await h.request({ kind: 'action', action: 'pressButton', id: running.id, label: 'U1' });
    assert.ok(notDone.type === 'reply' && !notDone.ok);
    const noPrompt = await h.request({ kind: 'action', action: 'pressButton', id: single.id, label: 'Custom Zoom' });
    assert.ok(noPrompt.type === 'reply' && !noPrompt.ok && /needs a prompt/.test(noPrompt.error));
    const noMask = await h.request({ kind: 'action', action: 'pressButton', id: single.id, label: 'Vary (Region)' });
    assert.ok(noMask.type === 'reply' && !noMask.ok && /needs a mask/.test(noMask.error));
    await h.request({ kind: 'action', action: 'pressButton', id: single.id, label: 'Custom Zoom', prompt: 'wide --zoom 2' });
    assert.deepStrictEqual(h.commands.at(-1), ['midjourney.pressButton', { id: single.id }, 'Custom Zoom', { prompt: 'wide --zoom 2' }]);
    await h.request({ kind: 'action', action: 'pressButton', id: single.id, label: 'Vary (Region)', mask: 'UklGRg==' });
    assert.deepStrictEqual(h.commands.at(-1), ['midjourney.pressButton', { id: single.id }, 'Vary (Region)', { mask: 'UklGRg==' }]);
    await h.request({ kind: 'action', action: 'revealSource', id: grid.id });
    assert.deepStrictEqual(h.commands.at(-1), ['midjourney.revealSource', { id: grid.id }]);
    assert.strictEqual(h.commands.length, 4, 'rejected presses never reached a command');
    const failing = await h.request({ kind: 'action', action: 'retryJob', id: grid.id });
    assert.deepStrictEqual(failing, { type: 'reply', requestId: 'r1', ok: false, error: 'No token configured.' });
  });

  it('keeps favourites through the port and filters by them', async () => {
    const h = setup();
    const a = job();
    const b = job();
    h.store.upsert(a, b);
    await h.request({ kind: 'favourite', id: b.id, favourite: true });
    assert.deepStrictEqual(h.favourites(), [b.id]);
    const page = await h.request({ kind: 'page', query: { ...DEFAULT_QUERY, status: 'favourites' }, offset: 0, limit: 10 });
    if (page.type !== 'reply' || !page.ok || page.result.kind !== 'page') return assert.fail();
    assert.deepStrictEqual(page.result.items.map((i) => [i.id, i.favourite]), [[b.id, true]]);
    await h.request({ kind: 'favourite', id: b.id, favourite: false });
    assert.deepStrictEqual(h.favourites(), []);
  });

  it('pushes deltas while visible: in-place updates, structural when jobs are added, parent refreshed with a new child', async () => {
    const h = setup();
    const parent = job();
    h.store.upsert(parent);
    await h.connection.handleMessage({ type: 'ready' });
    h.store.upsert({ ...parent, updatedAt: NOW + 1, buttons: ['U1'] });
    h.flushTimers();
    const update = h.last();
    assert.ok(update.type === 'delta' && !update.structural && update.upserted[0].buttons.length === 1);
    const child = job({ verb: 'button', request: { verb: 'button', parentJobId: 'p', button: 'U2' }, parentId: parent.id, parentButton: 'U2', createdAt: NOW + 5, state: 'running', progress: 30 });
    h.store.upsert(child);
    h.flushTimers();
    const added = h.last();
    if (added.type !== 'delta') return assert.fail();
    assert.strictEqual(added.structural, true);
    assert.strictEqual(added.total, 2);
    assert.deepStrictEqual(added.upserted.map((i) => i.id).sort(), [child.id, parent.id].sort());
    assert.deepStrictEqual(added.upserted.find((i) => i.id === parent.id)?.childIds, [child.id]);
  });

  it('sends nothing while hidden; the reloaded webview gets a fresh snapshot and the reveal asked for meanwhile', async () => {
    const h = setup();
    const first = job();
    h.store.upsert(first);
    await h.connection.handleMessage({ type: 'ready' });
    const count = h.posted.length;
    h.setVisible(false);
    h.store.upsert(job({ createdAt: NOW + 10 }));
    h.flushTimers();
    h.connection.reveal(first.id);
    assert.strictEqual(h.posted.length, count);
    h.setVisible(true);
    await h.connection.handleMessage({ type: 'ready' });
    const init = h.last();
    assert.ok(init.type === 'init' && init.total === 2 && init.reveal === first.id);
  });

  it('resyncs a webview that stayed alive while hidden with a structural delta', async () => {
    const h = setup();
    h.store.upsert(job());
    await h.connection.handleMessage({ type: 'ready' });
    h.setVisible(false);
    await h.connection.handleMessage({ type: 'ready' }); // it reloaded while hidden (e.g. moved)
    h.store.upsert(job({ createdAt: NOW + 10 }));
    h.flushTimers();
    h.setVisible(true);
    const resync = h.last();
    assert.ok(resync.type === 'delta' && resync.structural && resync.total === 2);
  });

  it('reveal goes with init when the webview is not up yet, else as a message', async () => {
    const h = setup();
    const a = job();
    h.store.upsert(a);
    h.connection.reveal(a.id);
    assert.strictEqual(h.posted.length, 0);
    await h.connection.handleMessage({ type: 'ready' });
    const init = h.last();
    assert.ok(init.type === 'init' && init.reveal === a.id);
    h.connection.reveal(a.id);
    assert.deepStrictEqual(h.last(), { type: 'reveal', id: a.id });
    await h.request({ kind: 'openInGallery', id: a.id });
    assert.deepStrictEqual(h.opened, [a.id]);
    const unknown = await h.request({ kind: 'openInGallery', id: 'no-such-job' }, 'r2');
    assert.ok(unknown.type === 'reply' && !unknown.ok && unknown.requestId === 'r2', 'an unknown job is an error');
    await h.request({ kind: 'openInGallery' }, 'r3');
    assert.deepStrictEqual(h.opened, [a.id, undefined], 'nothing opened for the unknown job; no id just opens the panel');
  });

  it('a finished thumbnail refreshes the job it belongs to', async () => {
    const h = setup();
    const a = job();
    h.store.upsert(a);
    await h.connection.handleMessage({ type: 'ready' });
    h.connection.onThumbnailReady(a.assets[2].cachedPath ?? '');
    h.flushTimers();
    const delta = h.last();
    assert.ok(delta.type === 'delta' && delta.upserted[0]?.id === a.id && !delta.structural);
  });
});

describe('host/webviews/galleryItems', () => {
  it('shows videos, else singles, else the grid', () => {
    const grid = { index: 0, kind: 'grid' as const, url: 'g' };
    const image = (i: number) => ({ index: i, kind: 'image' as const, url: `i${i}` });
    const video = (i: number) => ({ index: i, kind: 'video' as const, url: `v${i}` });
    assert.deepStrictEqual(displayedAssets(job({ assets: [grid, image(2), image(1)] })).map((a) => a.url), ['i1', 'i2']);
    assert.deepStrictEqual(displayedAssets(job({ assets: [grid] })).map((a) => a.url), ['g']);
    assert.deepStrictEqual(displayedAssets(job({ assets: [grid, video(1), image(1)] })).map((a) => a.url), ['v1']);
  });

  it('filters by status, date, source file and text', () => {
    const none = new Set<string>();
    const failed = job({ state: 'moderated', reason: 'banned' });
    const old = job({ createdAt: NOW - 40 * 86_400_000, source: { file: '/a.prompts', line: 1 } });
    assert.ok(matchesQuery(failed, { ...DEFAULT_QUERY, status: 'failed' }, none, NOW));
    assert.ok(!matchesQuery(failed, { ...DEFAULT_QUERY, status: 'completed' }, none, NOW));
    assert.ok(!matchesQuery(old, { ...DEFAULT_QUERY, since: 'month' }, none, NOW));
    assert.ok(matchesQuery(old, { ...DEFAULT_QUERY, sourceFile: '/a.prompts' }, none, NOW));
    assert.ok(!matchesQuery(failed, { ...DEFAULT_QUERY, sourceFile: '/a.prompts' }, none, NOW));
    assert.ok(matchesQuery(old, { ...DEFAULT_QUERY, text: '  PROMPT ' }, none, NOW));
    assert.ok(!matchesQuery(old, { ...DEFAULT_QUERY, text: 'zebra' }, none, NOW));
    assert.ok(matchesQuery(old, { ...DEFAULT_QUERY, status: 'favourites' }, new Set([old.id]), NOW));
  });

  it('makes a view model: buttons only when completed, files outside the cache never become URIs', () => {
    const store = { children: () => [], get: () => undefined };
    const running = toGalleryItem(job({ state: 'running', progress: 140 }), store, media, new Set());
    assert.deepStrictEqual(running.buttons, []);
    assert.strictEqual(running.progress, 100);
    const outside = toGalleryItem(job({ assets: [{ index: 1, kind: 'image', url: 'u', cachedPath: '/etc/passwd' }] }), store, media, new Set());
    assert.deepStrictEqual(outside.assets, [{ index: 1, kind: 'image' }]);
  });

  it('carries the AI decision of a grid into its view model, and the schema accepts it', () => {
    const store = { children: () => [], get: () => undefined };
    const item = toGalleryItem(job({ ai: { model: 'fake-vision-1', reason: 'best light', pickedIndex: 3, at: 1 } }), store, media, new Set());
    assert.deepStrictEqual(item.ai, { model: 'fake-vision-1', reason: 'best light', pickedIndex: 3 });
    assert.ok(GalleryItemSchema.safeParse(item).success);
    const noPick = toGalleryItem(job({ ai: { model: 'fake-vision-1', reason: 'the reply was not JSON', at: 1 } }), store, media, new Set());
    assert.deepStrictEqual(noPick.ai, { model: 'fake-vision-1', reason: 'the reply was not JSON' });
    assert.strictEqual(toGalleryItem(job(), store, media, new Set()).ai, undefined);
  });
});
