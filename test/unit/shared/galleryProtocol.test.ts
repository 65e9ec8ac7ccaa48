import * as assert from 'node:assert';
import { DEFAULT_QUERY, HostToWebviewSchema, WebviewToHostSchema, type GalleryItem } from '../../../src/shared/galleryProtocol';

const item: GalleryItem = {
  id: 'local-1', prompt: 'a cat', verb: 'imagine', status: 'completed', assets: [{ index: 1, kind: 'image', thumb: 'https://x/t.jpg', full: 'https://x/f.jpg' }],
  buttons: ['U1'], childIds: [], createdAt: 1, updatedAt: 2, favourite: false, video: false,
};
const page = (body: Record<string, unknown>) => ({ type: 'request', requestId: 'r1', body });
const accepts = (message: unknown) => assert.ok(WebviewToHostSchema.safeParse(message).success, JSON.stringify(message));
const rejects = (message: unknown) => assert.ok(!WebviewToHostSchema.safeParse(message).success, JSON.stringify(message).slice(0, 200));

describe('shared/galleryProtocol', () => {
  it('accepts every well-formed webview message', () => {
    accepts({ type: 'ready' });
    accepts({ type: 'ready', query: DEFAULT_QUERY });
    accepts(page({ kind: 'page', query: { text: 'cat', status: 'favourites', since: 'week', sourceFile: '/a.prompts' }, offset: 96, limit: 48 }));
    accepts(page({ kind: 'job', id: 'local-1' }));
    accepts(page({ kind: 'locate', id: 'local-1', query: DEFAULT_QUERY }));
    accepts(page({ kind: 'favourite', id: 'local-1', favourite: true }));
    accepts(page({ kind: 'action', action: 'pressButton', id: 'local-1', label: 'U2' }));
    accepts(page({ kind: 'action', action: 'pressButton', id: 'local-1', label: 'Custom Zoom', prompt: 'a cat --zoom 1.5' }));
    accepts(page({ kind: 'action', action: 'pressButton', id: 'local-1', label: 'Vary (Region)', mask: 'UklGRg==' }));
    accepts(page({ kind: 'action', action: 'revealSource', id: 'local-1' }));
    accepts(page({ kind: 'openInGallery' }));
  });

  it('rejects malformed webview messages', () => {
    rejects(null);
    rejects('ready');
    rejects({ type: 'hello' });
    rejects({ type: 'ready', query: { text: 'x' } }); // incomplete query
    rejects({ type: 'ready', extra: 1 }); // unknown keys are not allowed from the webview
    rejects({ type: 'request', body: { kind: 'job', id: 'a' } }); // no request id
    rejects({ type: 'request', requestId: 'x'.repeat(65), body: { kind: 'job', id: 'a' } });
    rejects(page({ kind: 'job', id: '' }));
    rejects(page({ kind: 'job', id: 5 }));
    rejects(page({ kind: 'delete', id: 'a' }));
    rejects(page({ kind: 'page', query: DEFAULT_QUERY, offset: -1, limit: 10 }));
    rejects(page({ kind: 'page', query: DEFAULT_QUERY, offset: 0, limit: 100_000 }));
    rejects(page({ kind: 'page', query: DEFAULT_QUERY, offset: 0.5, limit: 10 }));
    rejects(page({ kind: 'page', query: { ...DEFAULT_QUERY, status: 'everything' }, offset: 0, limit: 10 }));
    rejects(page({ kind: 'page', query: { ...DEFAULT_QUERY, text: 'x'.repeat(501) }, offset: 0, limit: 10 }));
    rejects(page({ kind: 'action', action: 'workbench.action.terminal.new', id: 'a' })); // only the job commands
    rejects(page({ kind: 'action', action: 'pressButton', id: 'a', label: 'x'.repeat(65) }));
    rejects(page({ kind: 'action', action: 'pressButton', id: 'a', label: 'Vary (Region)', mask: 'data:image/webp;base64,AAAA' }));
    rejects(page({ kind: 'action', action: 'pressButton', id: 'a', label: 'Vary (Region)', mask: '<script>' }));
    rejects(page({ kind: 'favourite', id: 'a', favourite: 'yes' }));
  });

  it('describes host messages (init, delta, reveal, ok and error replies)', () => {
    const ok = (m: unknown) => assert.ok(HostToWebviewSchema.safeParse(m).success, JSON.stringify(m));
    ok({ type: 'init', view: 'gallery', query: DEFAULT_QUERY, total: 1, items: [item], sourceFiles: [] });
    ok({ type: 'delta', total: 1, upserted: [item], removed: ['x'], structural: true, sourceFiles: ['/a.prompts'] });
    ok({ type: 'reveal', id: 'local-1' });
    ok({ type: 'reply', requestId: 'r1', ok: true, result: { kind: 'page', total: 1, offset: 0, items: [item] } });
    ok({ type: 'reply', requestId: 'r1', ok: false, error: 'nope' });
    assert.ok(!HostToWebviewSchema.safeParse({ type: 'reply', requestId: 'r1', ok: true, error: 'x' }).success);
    assert.ok(!HostToWebviewSchema.safeParse({ type: 'init', view: 'gallery', query: DEFAULT_QUERY, total: 1, items: [{ ...item, status: 'weird' }], sourceFiles: [] }).success);
  });
});
