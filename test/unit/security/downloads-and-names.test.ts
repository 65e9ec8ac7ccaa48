// Hostile result URLs and hostile prompts turned into file names. The media cache downloads only over
// http(s) from the API origin (plus the Midjourney CDN through the proxy, and Discord's CDN over https),
// never sends the token elsewhere, caps the size even when the server streams without a length, and
// leaves nothing behind; saveResults writes only inside the output folder with sanitized names.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { ApiClient } from '../../../src/core/api/client';
import { BadRequestError } from '../../../src/core/api/errors';
import type { JobRecord } from '../../../src/core/jobs/model';
import { MediaCache } from '../../../src/core/media/cache';
import { saveResults } from '../../../src/core/media/save';
import { TEST_TOKEN } from '../jobs/helpers';
import { filesUnder } from './helpers';

interface Origin {
  url: string;
  /** Authorization headers received, per path. */
  auth: { path: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

/** A loopback server: `/big` streams `bigBytes` without a Content-Length; anything else is a small JPEG. */
async function origin(bigBytes: number): Promise<Origin> {
  const auth: Origin['auth'] = [];
  const server: Server = createServer((req, res) => {
    auth.push({ path: req.url ?? '', authorization: req.headers.authorization });
    if ((req.url ?? '').startsWith('/big')) {
      res.writeHead(200, { 'content-type': 'image/jpeg' }); // chunked: no length announced
      const chunk = Buffer.alloc(64 * 1024, 1);
      let sent = 0;
      const pump = (): void => {
        while (sent < bigBytes) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (sent = bigBytes));
      pump();
      return;
    }
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': '4' });
    res.end(Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    auth,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('hostile result URLs', function () {
  this.timeout(20_000);
  let api: Origin;
  let other: Origin;
  let client: ApiClient;
  let dir: string;
  beforeEach(async () => {
    api = await origin(3 * 1024 * 1024);
    other = await origin(10);
    client = new ApiClient({ baseUrl: api.url, tokens: { getToken: async () => TEST_TOKEN }, retries: 0 });
    dir = mkdtempSync(join(tmpdir(), 'mj-sec-dl-'));
  });
  afterEach(async () => {
    await client.close();
    await api.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses other origins, other schemes, credentials and malformed URLs; nothing is requested or cached', async () => {
    const cache = new MediaCache({ cacheDir: dir, client });
    const otherHost = other.url.replace('127.0.0.1', 'localhost');
    const hostile = [
      `${other.url}/steal.jpeg`, // another port on the same host: another origin
      `${otherHost}/x.jpeg`,
      'http://169.254.169.254/latest/meta-data/',
      'http://cdn.midjourney.com/abc/0_0.jpeg', // the Midjourney CDN, but not https
      'https://cdn.midjourney.com:8443/abc/0_0.jpeg',
      'http://cdn.discordapp.com/attachments/1/2/grid.png', // Discord's CDN, but not https
      `http://user:pass@${api.url.slice('http://'.length)}/x.jpeg`,
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:image/png;base64,iVBORw0KGgo=',
      'ftp://example.com/x.jpeg',
      '//no-scheme/x.jpeg',
      '../../../../etc/passwd',
      '',
    ];
    for (const url of hostile) {
      await assert.rejects(cache.get(url), (error: unknown) => {
        assert.ok(error instanceof BadRequestError, `${url}: ${String(error)}`);
        assert.match(error.message, /refus|not a valid URL/);
        return true;
      }, url);
    }
    assert.deepEqual(other.auth, [], 'no request left for another origin');
    assert.deepEqual(api.auth, []);
    assert.deepEqual(readdirSync(dir), [], 'nothing cached');
  });

  it('the API origin is fetched with the token; path traversal stays on the API origin', async () => {
    const cache = new MediaCache({ cacheDir: dir, client });
    const path = await cache.get(`${api.url}/cdn.midjourney.com/../../etc/passwd/0_0.jpeg`);
    assert.equal(relative(dir, path).includes('..'), false, 'the cache file is inside the cache');
    assert.deepEqual(readFileSync(path), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    assert.equal(api.auth.length, 1);
    assert.equal(api.auth[0].path, '/etc/passwd/0_0.jpeg', 'the URL was normalized, on the API origin');
    assert.equal(api.auth[0].authorization, `Bearer ${TEST_TOKEN}`);
    // The Midjourney CDN goes through the proxy on the API origin.
    await cache.get('https://cdn.midjourney.com/abc/0_1.jpeg');
    assert.match(api.auth[1].path, /^\/v1\/proxy\/cdn-midjourney\/\?cdnUrl=https%3A%2F%2Fcdn\.midjourney\.com%2Fabc%2F0_1\.jpeg$/);
  });

  it('a server streaming past the size cap without a length is cut off, and nothing is left in the cache', async () => {
    const cache = new MediaCache({ cacheDir: dir, client, maxDownloadBytes: 1024 * 1024 });
    await assert.rejects(cache.get(`${api.url}/big/0_0.jpeg`), (error: unknown) => error instanceof BadRequestError && /exceeded the 1 MB limit/.test(error.message));
    assert.deepEqual(readdirSync(dir), [], 'no partial file');
    assert.equal(await cache.size(), 0);
    // The cache still works afterwards.
    await cache.get(`${api.url}/fine.jpeg`);
    assert.equal(readdirSync(dir).length, 1);
  });
});

const HOSTILE_PROMPTS = [
  '../../../../etc/passwd',
  '..\\..\\..\\Windows\\System32\\drivers\\etc\\hosts',
  '/etc/shadow',
  'C:\\Users\\victim\\Desktop\\evil',
  '\\\\server\\share\\file',
  'CON',
  'nul',
  'COM1',
  'lpt9.txt',
  'CON.jpeg',
  'AUX ',
  'COM¹',
  'a\u0000b\u0007c\u001b[31md\r\ne\tf',
  '.',
  '..',
  '...',
  '.hidden',
  ' trailing dots and spaces... ',
  'x'.repeat(5000),
  '日本語のプロンプト 🦊 ünïcödé ﬁ Ω',
  '‮gpj.exe',
  '{{name}} $(rm -rf /) `whoami` ; | & > < * ? " \'',
  '',
];

function jobWith(prompt: string, block?: string): JobRecord {
  return {
    id: 'local-1',
    jobId: 'j1218072755113123456i-u1234-c1234567890123456789-bot:midjourney',
    request: { verb: 'imagine', prompt },
    verb: 'imagine',
    state: 'completed',
    buttons: [],
    assets: [{ index: 1, kind: 'image', url: 'https://cdn.midjourney.com/abc/0_0.jpeg' }],
    priority: 'batch',
    createdAt: 0,
    updatedAt: 0,
    finishedAt: Date.UTC(2026, 0, 2),
    source: { file: 'a.prompts', line: 0, ...(block !== undefined ? { block } : {}) },
  };
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;

describe('file names built from hostile prompts', () => {
  let dir: string;
  let cached: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mj-sec-names-'));
    cached = join(dir, 'cached.jpeg');
    writeFileSync(cached, 'bytes');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const pattern of ['{prompt}', '{block}/{prompt}-{index}', '../../{prompt}/../{block}', '/abs/{prompt}/{jobid}', 'C:\\{prompt}\\..\\{index}']) {
    it(`pattern ${pattern}: every file lands inside the output folder with a safe name`, async () => {
      const out = join(dir, 'workspace', 'out');
      for (const prompt of HOSTILE_PROMPTS) {
        const saved = await saveResults(jobWith(prompt, prompt), { workspaceDir: join(dir, 'workspace'), outputFolder: 'out', pattern, cache: { get: async () => cached } });
        assert.equal(saved.length, 1);
        for (const path of [saved[0].path, saved[0].sidecarPath]) {
          const rel = relative(out, path);
          assert.ok(!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '', `${JSON.stringify(prompt)} → ${path} escapes the output folder`);
          for (const segment of rel.split(sep)) {
            assert.match(segment, /^[A-Za-z0-9_][A-Za-z0-9._-]*$/, `${JSON.stringify(prompt)} → unsafe segment ${JSON.stringify(segment)}`);
            assert.ok(Buffer.byteLength(segment) <= 200, `segment of ${segment.length} bytes`);
            assert.ok(!WINDOWS_RESERVED.test(segment), `reserved name ${segment}`);
            assert.ok(!segment.endsWith('.') && !segment.endsWith(' '));
          }
        }
        // The sidecar keeps the prompt exactly as sent.
        assert.equal((JSON.parse(readFileSync(saved[0].sidecarPath, 'utf8')) as { prompt: string }).prompt, prompt);
      }
      const everything = filesUnder(dir).filter((f) => f !== cached);
      assert.ok(everything.every((f) => !relative(out, f).startsWith('..')), 'nothing written outside the output folder');
      assert.equal(everything.filter((f) => !f.endsWith('.json')).length, HOSTILE_PROMPTS.length, 'one file per save, none overwritten');
      assert.ok(everything.every((f) => basename(f) !== 'passwd' && basename(f) !== 'hosts'));
    });
  }
});

describe('links inside the output folder', () => {
  let dir: string;
  let cached: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mj-sec-links-'));
    cached = join(dir, 'cached.jpeg');
    writeFileSync(cached, 'bytes');
    mkdirSync(join(dir, 'workspace', 'out'), { recursive: true });
    mkdirSync(join(dir, 'outside'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const save = (pattern: string) => saveResults(jobWith('a cat'), { workspaceDir: join(dir, 'workspace'), outputFolder: 'out', pattern, cache: { get: async () => cached } });

  it('a linked folder that leads outside is refused, and nothing is created there', async () => {
    symlinkSync(join(dir, 'outside'), join(dir, 'workspace', 'out', 'link'));
    await assert.rejects(save('link/{prompt}'), /refusing to write outside the output folder: .* through a link/);
    await assert.rejects(save('link/deeper/{prompt}'), /through a link/);
    assert.deepEqual(readdirSync(join(dir, 'outside')), []);
  });

  it('a dangling link at the target name is never written through; an existing sidecar is not overwritten', async () => {
    symlinkSync(join(dir, 'outside', 'planted.jpeg'), join(dir, 'workspace', 'out', 'x.jpeg'));
    writeFileSync(join(dir, 'workspace', 'out', 'x-2.jpeg.json'), 'somebody else\'s sidecar');
    const saved = await save('x');
    assert.equal(basename(saved[0].path), 'x-3.jpeg');
    assert.deepEqual(readdirSync(join(dir, 'outside')), [], 'nothing written through the link');
    assert.equal(readFileSync(join(dir, 'workspace', 'out', 'x-2.jpeg.json'), 'utf8'), 'somebody else\'s sidecar');
  });

  it('an output folder that is itself a link (the user chose it) is fine', async () => {
    symlinkSync(join(dir, 'outside'), join(dir, 'workspace', 'linked-out'));
    const saved = await saveResults(jobWith('a cat'), { workspaceDir: join(dir, 'workspace'), outputFolder: 'linked-out', pattern: '{prompt}', cache: { get: async () => cached } });
    assert.equal(saved.length, 1);
    assert.deepEqual(readdirSync(join(dir, 'outside')).sort(), ['a-cat.jpeg', 'a-cat.jpeg.json']);
  });
});
