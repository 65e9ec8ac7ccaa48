// The media cache against the simulator's CDN proxy over HTTP.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../../../src/core/api/client';
import { BadRequestError } from '../../../src/core/api/errors';
import { MediaCache, extensionOf, fileNameFor } from '../../../src/core/media/cache';
import { createJobEngine } from '../../../src/core/jobs/engine';
import { startSimulator } from '../../../src/simulator';
import type { RunningSimulator } from '../../../src/simulator';
import { MemoryKeyValueStore, TEST_TOKEN, scaledOptions } from '../jobs/helpers';

describe('MediaCache', function () {
  this.timeout(20_000);
  let sim: RunningSimulator;
  let client: ApiClient;
  let dir: string;
  let urls: string[];

  beforeEach(async () => {
    sim = await startSimulator({ timeScale: 0.01, seed: 11 });
    client = new ApiClient({ baseUrl: sim.url, tokens: { getToken: async () => TEST_TOKEN }, retryMinTimeoutMs: 5 });
    dir = mkdtempSync(join(tmpdir(), 'mj-cache-'));
    const outcome = await client.submitJobStreaming({ verb: 'imagine', prompt: 'cache me' }, {});
    urls = (outcome.job?.response?.imageUx ?? []).map((i) => i.url);
    assert.equal(urls.length, 4);
  });
  afterEach(async () => {
    await client.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('downloads each URL once, content-addressed by its hash', async () => {
    const cache = new MediaCache({ cacheDir: dir, client });
    const [a, b] = await Promise.all([cache.get(urls[0]), cache.get(urls[0])]);
    assert.equal(a, b);
    assert.equal(a, join(dir, fileNameFor(urls[0])));
    assert.ok(a.endsWith('.jpeg'));
    const proxied = (): number => Object.entries(sim.admin.counters().requests).filter(([k]) => k.includes('proxy')).reduce((n, [, v]) => n + v, 0);
    const before = proxied();
    assert.equal(before, 1, 'concurrent gets share one download');
    await cache.get(urls[0]);
    assert.equal(proxied(), before, 'a cached file is not fetched again');
    // a new cache instance over the same folder finds it
    assert.equal(await new MediaCache({ cacheDir: dir, client }).peek(urls[0]), a);
  });

  it('evicts the least recently used files above the size cap', async () => {
    const probe = new MediaCache({ cacheDir: join(dir, 'probe'), client });
    const size = statSync(await probe.get(urls[0])).size;
    const cache = new MediaCache({ cacheDir: join(dir, 'lru'), client, maxCacheBytes: size * 2 + 10 });
    const first = await cache.get(urls[0]);
    await cache.get(urls[1]);
    await cache.get(urls[0]); // touch: urls[1] is now the oldest
    await cache.get(urls[2]);
    assert.ok(existsSync(first));
    assert.ok(!existsSync(join(dir, 'lru', fileNameFor(urls[1]))));
    assert.ok((await cache.size()) <= size * 2 + 10);
    assert.equal(readdirSync(join(dir, 'lru')).filter((n) => n.includes('.part-')).length, 0);
  });

  it('refuses oversized downloads and non-http URLs', async () => {
    const cache = new MediaCache({ cacheDir: dir, client, maxDownloadBytes: 100 });
    await assert.rejects(cache.get(urls[0]), (e: unknown) => e instanceof BadRequestError && /limit/.test(e.message));
    await assert.rejects(cache.get('file:///etc/passwd'), BadRequestError);
    assert.equal(readdirSync(dir).length, 0, 'no partial file left');
    assert.equal(extensionOf('https://cdn.midjourney.com/x/0_0.jpeg?x=1'), '.jpeg');
    assert.equal(extensionOf('https://example.com/evil.sh'), '.bin');
  });

  it('the engine downloads results on completion when asked', async () => {
    const engine = createJobEngine({
      apiBaseUrl: sim.url,
      tokens: { getToken: async () => TEST_TOKEN },
      kv: new MemoryKeyValueStore(),
      media: { cacheDir: join(dir, 'engine') },
      options: { ...scaledOptions(), autoDownload: true },
    });
    await engine.start();
    try {
      const job = await engine.submit({ verb: 'imagine', prompt: 'auto download' });
      await engine.waitFor(job.id);
      await new Promise<void>((resolve) => {
        const check = (): void => {
          if (engine.store.get(job.id)?.assets.every((a) => a.cachedPath)) {
            sub.dispose();
            resolve();
          }
        };
        const sub = engine.store.onDidChange(check);
        check();
      });
      for (const asset of engine.store.get(job.id)!.assets) assert.ok(existsSync(asset.cachedPath!));
    } finally {
      await engine.dispose();
    }
  });
});
