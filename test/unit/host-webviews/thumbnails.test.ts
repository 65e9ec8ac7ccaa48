import * as assert from 'node:assert';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { silentLogger } from '../../../src/core/ports';
import { ThumbnailCache, decodeImage, downscale, fileVersion, fitWithin, makeThumbnail } from '../../../src/host/webviews/thumbnails';
import { contentSecurityPolicy, galleryHtml } from '../../../src/host/webviews/galleryHtml';

/** Left half red, right half blue: easy to check after scaling. */
function halves(width: number, height: number): PNG {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      const left = x < width / 2;
      png.data[o] = left ? 255 : 0;
      png.data[o + 1] = 0;
      png.data[o + 2] = left ? 0 : 255;
      png.data[o + 3] = 255;
    }
  }
  return png;
}

describe('host/webviews/thumbnails', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'mj-thumbs-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fits within a size keeping the aspect ratio and never upscales', () => {
    assert.deepStrictEqual(fitWithin(2912, 1632, 640), { width: 640, height: 359 });
    assert.deepStrictEqual(fitWithin(1632, 2912, 640), { width: 359, height: 640 });
    assert.deepStrictEqual(fitWithin(300, 200, 640), { width: 300, height: 200 });
  });

  it('downscales by area average', () => {
    const small = downscale({ width: 4, height: 2, data: halves(4, 2).data }, 2, 1);
    assert.deepStrictEqual([...small.data], [255, 0, 0, 255, 0, 0, 255, 255]);
    const mixed = downscale({ width: 4, height: 2, data: halves(4, 2).data }, 1, 1);
    assert.deepStrictEqual([...mixed.data], [128, 0, 128, 255]);
  });

  it('makes a JPEG thumbnail of a PNG grid and of a JPEG single', () => {
    const fromPng = decodeImage(makeThumbnail(PNG.sync.write(halves(1200, 800)), 300));
    assert.deepStrictEqual([fromPng.width, fromPng.height], [300, 200]);
    const left = (10 * 300 + 10) * 4;
    assert.ok(fromPng.data[left] > 200 && fromPng.data[left + 2] < 60, 'left stays red');
    const jpg = jpeg.encode({ width: 1000, height: 1000, data: halves(1000, 1000).data }, 90).data;
    const fromJpeg = decodeImage(makeThumbnail(jpg, 250));
    assert.deepStrictEqual([fromJpeg.width, fromJpeg.height], [250, 250]);
    assert.throws(() => decodeImage(Buffer.from('GIF89a')), /not a PNG or JPEG/);
  });

  it('serves small files as they are, makes big ones once in the background, and reports when ready', async () => {
    const ready: string[] = [];
    const cache = new ThumbnailCache(join(dir, 'thumbs'), silentLogger, (source) => ready.push(source), 200);
    const small = join(dir, 'small.png');
    writeFileSync(small, PNG.sync.write(halves(20, 20)));
    assert.deepStrictEqual(cache.lookup(small), { kind: 'original' });
    // A noisy PNG compresses badly, so it is over the small-file threshold.
    const noisy = new PNG({ width: 600, height: 400 });
    randomBytes(noisy.data.length).copy(noisy.data);
    const big = join(dir, 'big.png');
    writeFileSync(big, PNG.sync.write(noisy));
    assert.deepStrictEqual(cache.lookup(big), { kind: 'pending' });
    assert.deepStrictEqual(cache.lookup(big), { kind: 'pending' }, 'queued once');
    await cache.idle();
    assert.deepStrictEqual(ready, [big]);
    const done = cache.lookup(big);
    assert.strictEqual(done.kind, 'thumbnail');
    if (done.kind === 'thumbnail') {
      assert.ok(existsSync(done.path));
      assert.ok(done.path.startsWith(join(dir, 'thumbs')));
    }
    assert.deepStrictEqual(cache.lookup(join(dir, 'missing.png')), { kind: 'missing' });
    const broken = join(dir, 'broken.png');
    writeFileSync(broken, Buffer.alloc(300 * 1024, 1));
    cache.lookup(broken);
    await cache.idle();
    assert.deepStrictEqual(cache.lookup(broken), { kind: 'original' }, 'undecodable files are served as they are');
    cache.dispose();
  });

  it('versions files by mtime and size', () => {
    const file = join(dir, 'a.png');
    writeFileSync(file, 'abc');
    const first = fileVersion(file);
    writeFileSync(file, 'abcdef');
    assert.notStrictEqual(fileVersion(file), first);
    assert.strictEqual(fileVersion(join(dir, 'none')), undefined);
  });
});

describe('host/webviews/galleryHtml', () => {
  it('has a strict CSP: nothing by default, nonce\'d script, images and media only from the webview source', () => {
    assert.strictEqual(contentSecurityPolicy('https://x.vscode-cdn.net', 'N0NCE'),
      "default-src 'none'; img-src https://x.vscode-cdn.net data: blob:; media-src https://x.vscode-cdn.net; style-src https://x.vscode-cdn.net; script-src 'nonce-N0NCE'");
    const html = galleryHtml({ view: 'latest', cspSource: 'https://x.vscode-cdn.net', scriptUri: 'https://x/webview.js?v=1', styleUri: 'https://x/gallery.css?v="2', nonce: 'N0NCE' });
    assert.match(html, /<script nonce="N0NCE" src="https:\/\/x\/webview.js\?v=1"><\/script>/);
    assert.match(html, /href="https:\/\/x\/gallery.css\?v=&quot;2"/, 'attribute values are escaped');
    assert.match(html, /<body data-view="latest">/);
    assert.strictEqual((html.match(/<script/g) ?? []).length, 1);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval| on[a-z]+=/);
    const a = galleryHtml({ view: 'gallery', cspSource: 's', scriptUri: 'j', styleUri: 'c' });
    const b = galleryHtml({ view: 'gallery', cspSource: 's', scriptUri: 'j', styleUri: 'c' });
    assert.notStrictEqual(/nonce-([^']+)/.exec(a)?.[1], /nonce-([^']+)/.exec(b)?.[1], 'a fresh nonce every time');
  });
});
