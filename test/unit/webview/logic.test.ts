import * as assert from 'node:assert';
import type { GalleryItem, ReplyMessage } from '../../../src/shared/galleryProtocol';
import { baseName, describeButton, groupButtons, relativeTime, splitPrompt, statusText } from '../../../src/webview/format';
import { ItemWindow } from '../../../src/webview/itemWindow';
import { thresholdMask } from '../../../src/webview/maskEditor';
import { RequestClient, RequestTimeoutError, type Timers } from '../../../src/webview/rpc';
import { computeLayout, contentHeight, pagesFor, scrollTopToShow, visibleRows } from '../../../src/webview/windowing';

function manualTimers(): Timers & { fire(): void; pending(): number } {
  const timers = new Map<number, () => void>();
  let next = 1;
  return {
    setTimeout: (fn) => { timers.set(next, fn); return next++; },
    clearTimeout: (handle) => { timers.delete(handle); },
    fire() { const all = [...timers.values()]; timers.clear(); for (const fn of all) fn(); },
    pending: () => timers.size,
  };
}

const item = (id: string): GalleryItem => ({
  id, prompt: id, verb: 'imagine', status: 'completed', assets: [], buttons: [], childIds: [], createdAt: 0, updatedAt: 0, favourite: false, video: false,
});

describe('webview/windowing', () => {
  it('lays out four tiles and a prompt column on wide panels, prompt above tiles on narrow ones, 2×2 in the sidebar', () => {
    const wide = computeLayout(1400, 'gallery');
    assert.strictEqual(wide.mode, 'wide');
    assert.strictEqual(wide.columns, 4);
    assert.ok(wide.metaWidth > 0);
    assert.ok(4 * wide.tileSize + 3 * wide.gap + wide.metaWidth + 2 * wide.padding <= 1400);
    assert.strictEqual(wide.rowHeight, wide.tileSize + 36);
    const narrow = computeLayout(600, 'gallery');
    assert.strictEqual(narrow.mode, 'stacked');
    assert.strictEqual(narrow.metaWidth, 0);
    assert.ok(4 * narrow.tileSize + 3 * narrow.gap + 2 * narrow.padding <= 600);
    const compact = computeLayout(300, 'latest');
    assert.strictEqual(compact.mode, 'compact');
    assert.strictEqual(compact.columns, 2);
    assert.strictEqual(compact.rowHeight, compact.headerHeight + 2 * compact.tileSize + compact.gap + 18);
    // Tiles never grow past a comfortable size on huge screens.
    assert.ok(computeLayout(5000, 'gallery').tileSize <= 340);
  });

  it('computes the visible rows with overscan, clamped to the list', () => {
    assert.deepStrictEqual(visibleRows(0, 900, 300, 5000, 2), { first: 0, end: 5 });
    assert.deepStrictEqual(visibleRows(3000, 900, 300, 5000, 2), { first: 8, end: 15 });
    assert.deepStrictEqual(visibleRows(300 * 4999, 900, 300, 5000, 2), { first: 4997, end: 5000 });
    assert.deepStrictEqual(visibleRows(0, 900, 300, 0, 2), { first: 0, end: 0 });
    assert.deepStrictEqual(visibleRows(0, 900, 300, 2, 2), { first: 0, end: 2 });
    // A top offset (padding) shifts the rows down.
    assert.deepStrictEqual(visibleRows(328, 300, 300, 100, 0, 28), { first: 1, end: 2 });
  });

  it('maps row ranges to pages and rows to scroll positions', () => {
    assert.deepStrictEqual(pagesFor({ first: 0, end: 5 }, 48), [0]);
    assert.deepStrictEqual(pagesFor({ first: 40, end: 100 }, 48), [0, 1, 2]);
    assert.deepStrictEqual(pagesFor({ first: 7, end: 7 }, 48), []);
    const layout = computeLayout(1400, 'gallery');
    assert.strictEqual(contentHeight(10, layout), 10 * layout.rowHeight + layout.padding);
    assert.strictEqual(scrollTopToShow(2, 100, 0, 500), 0); // already visible
    assert.strictEqual(scrollTopToShow(20, 100, 0, 500), 1600); // below: align bottom
    assert.strictEqual(scrollTopToShow(3, 100, 1000, 500), 292); // above: align top (8 px air)
  });
});

describe('webview/itemWindow', () => {
  it('stores pages by position, knows what is missing, and evicts far pages', () => {
    const window = new ItemWindow(10);
    window.total = 100;
    assert.deepStrictEqual(window.takeMissing([0, 1]), [0, 1]);
    assert.deepStrictEqual(window.takeMissing([0, 1]), [], 'pages being loaded are not asked for twice');
    window.put(0, Array.from({ length: 10 }, (_, i) => item(`a${i}`)));
    window.release(0);
    assert.strictEqual(window.get(3)?.id, 'a3');
    assert.strictEqual(window.indexOf('a3'), 3);
    assert.deepStrictEqual(window.takeMissing([0]), [], 'fresh page');
    window.invalidate();
    assert.deepStrictEqual(window.takeMissing([0]), [0], 'stale after a structural change');
    assert.strictEqual(window.get(3)?.id, 'a3', 'but still shown meanwhile');
    assert.strictEqual(window.patch({ ...item('a3'), prompt: 'new' }), 3);
    assert.strictEqual(window.get(3)?.prompt, 'new');
    assert.strictEqual(window.patch(item('zzz')), -1);
    window.put(90, Array.from({ length: 10 }, (_, i) => item(`z${i}`)));
    window.trim([9], 2);
    assert.strictEqual(window.get(3), undefined, 'page 0 is far from page 9');
    assert.strictEqual(window.indexOf('a3'), -1);
    assert.strictEqual(window.get(95)?.id, 'z5');
    assert.deepStrictEqual(window.takeMissing([10]), [], 'nothing past the end');
  });
});

describe('webview/rpc', () => {
  it('resolves a request with its own reply and ignores unknown ids', async () => {
    const posted: { requestId: string }[] = [];
    const timers = manualTimers();
    const client = new RequestClient((m) => posted.push(m), timers, 1000);
    const pending = client.request({ kind: 'locate', id: 'a', query: { text: '', status: 'all', since: 'any', sourceFile: '' } });
    assert.strictEqual(posted.length, 1);
    const reply: ReplyMessage = { type: 'reply', requestId: posted[0].requestId, ok: true, result: { kind: 'locate', index: 7 } };
    assert.strictEqual(client.settle({ ...reply, requestId: 'other' }), false);
    assert.strictEqual(client.settle(reply), true);
    assert.deepStrictEqual(await pending, { kind: 'locate', index: 7 });
    assert.strictEqual(timers.pending(), 0, 'the deadline is cleared');
    assert.strictEqual(client.settle(reply), false, 'a second reply is ignored');
  });

  it('rejects on an error reply, on a reply of the wrong kind, and after the deadline', async () => {
    const posted: { requestId: string }[] = [];
    const timers = manualTimers();
    const client = new RequestClient((m) => posted.push(m), timers, 1000);
    const failed = client.request({ kind: 'job', id: 'a' });
    client.settle({ type: 'reply', requestId: posted[0].requestId, ok: false, error: 'gone' });
    await assert.rejects(failed, /gone/);
    const wrong = client.request({ kind: 'job', id: 'a' });
    client.settle({ type: 'reply', requestId: posted[1].requestId, ok: true, result: { kind: 'action' } });
    await assert.rejects(wrong, /Unexpected reply/);
    const slow = client.request({ kind: 'job', id: 'a' });
    timers.fire();
    await assert.rejects(slow, (error: unknown) => error instanceof RequestTimeoutError);
    assert.strictEqual(client.inFlight, 0);
    assert.strictEqual(client.settle({ type: 'reply', requestId: posted[2].requestId, ok: true, result: { kind: 'action' } }), false, 'late reply');
  });
});

describe('webview/format', () => {
  it('groups exactly the job\'s buttons, dropping none (D-16)', () => {
    const single = ['Upscale (Subtle)', 'Upscale (Creative)', 'Vary (Subtle)', 'Vary (Strong)', 'Vary (Region)', 'Zoom Out 2x', 'Zoom Out 1.5x', 'Custom Zoom', '⬅️', '➡️', '⬆️', '⬇️', 'Animate (High motion)', 'Animate (Low motion)'];
    const groups = groupButtons(single);
    assert.deepStrictEqual(groups.more, single);
    const grid = groupButtons(['U1', 'U2', 'U3', 'U4', '🔄', 'V1', 'V2', 'V3', 'V4']);
    assert.deepStrictEqual(grid, { upscale: ['U1', 'U2', 'U3', 'U4'], vary: ['V1', 'V2', 'V3', 'V4'], more: ['🔄'] });
    assert.strictEqual(describeButton('U2'), 'Upscale image 2');
    assert.strictEqual(describeButton('🔄'), 'Reroll');
    assert.strictEqual(describeButton('Zoom Out 2x'), 'Zoom Out 2x');
  });

  it('splits a prompt into words and parameters', () => {
    assert.deepStrictEqual(splitPrompt('a cat, watercolor --ar 16:9 --v 7 --tile'), {
      text: 'a cat, watercolor', parameters: [{ name: 'ar', value: '16:9' }, { name: 'v', value: '7' }, { name: 'tile', value: '' }],
    });
    assert.deepStrictEqual(splitPrompt('no params here'), { text: 'no params here', parameters: [] });
    assert.deepStrictEqual(splitPrompt('a well-known--thing'), { text: 'a well-known--thing', parameters: [] });
    assert.strictEqual(splitPrompt('--ar 1:1').text, '');
  });

  it('words statuses, times and paths', () => {
    assert.strictEqual(statusText({ status: 'running', progress: 41.6 }), 'Rendering 42%');
    assert.strictEqual(statusText({ status: 'moderated' }), 'Moderated');
    assert.strictEqual(relativeTime(0, 10_000), 'just now');
    assert.strictEqual(relativeTime(0, 5 * 60_000), '5 min ago');
    assert.strictEqual(relativeTime(0, 3 * 3_600_000), '3 h ago');
    assert.strictEqual(relativeTime(0, 2 * 86_400_000), '2 d ago');
    assert.strictEqual(baseName('C:\\work\\a.prompts'), 'a.prompts');
    assert.strictEqual(baseName('/work/b.prompts'), 'b.prompts');
  });
});

describe('webview/maskEditor', () => {
  it('turns painted pixels white and the rest black, opaque', () => {
    const data = new Uint8ClampedArray([124, 92, 255, 200, 0, 0, 0, 0, 10, 10, 10, 1]);
    assert.strictEqual(thresholdMask(data), 2);
    assert.deepStrictEqual([...data], [255, 255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 255]);
  });
});
