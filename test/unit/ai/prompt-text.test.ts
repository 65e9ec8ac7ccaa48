import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageContentType, imageReaderFromCache, sniffImageType, waitForCachedAsset } from '../../../src/core/ai/images';
import type { JobRecord } from '../../../src/core/jobs/model';
import { enhancePromptLine, joinPromptLines, promptKindOf, promptLinesAt, splitPrompt } from '../../../src/core/ai/prompt-text';
import type { AiAssistant } from '../../../src/core/ai/types';

describe('prompt text helpers for Enhance prompt', () => {
  it('splits leading image URLs and trailing parameters off the description', () => {
    assert.deepEqual(splitPrompt('https://x.test/a.png a fjord at dawn --video --motion high'), {
      leading: 'https://x.test/a.png ',
      description: 'a fjord at dawn',
      params: ' --video --motion high',
    });
    assert.deepEqual(splitPrompt('a cat'), { leading: '', description: 'a cat', params: '' });
    assert.deepEqual(splitPrompt('well-lit room--ar 2:3'), { leading: '', description: 'well-lit room--ar 2:3', params: '' });
  });

  it('tells video prompts from image prompts', () => {
    assert.equal(promptKindOf('https://x.test/a.png a fjord --video'), 'video');
    assert.equal(promptKindOf('a video game hero --ar 16:9'), 'image');
  });

  it('sends only the description and keeps URLs and parameters exactly', async () => {
    const sent: [string, string][] = [];
    const assistant: AiAssistant = {
      judgeGrid: () => Promise.reject(new Error('unused')),
      enhancePrompt: async (text, kind) => {
        sent.push([text, kind]);
        return 'a misty fjord at dawn, slow aerial push-in';
      },
    };
    const out = await enhancePromptLine(assistant, 'https://x.test/a.png a fjord --video --motion high');
    assert.deepEqual(sent, [['a fjord', 'video']]);
    assert.equal(out, 'https://x.test/a.png a misty fjord at dawn, slow aerial push-in --video --motion high');
  });

  it('finds the prompt lines around a line, following `\\` continuations', () => {
    const lines = ['# comment', '@defaults --ar 16:9', '### castles', 'a castle \\', '  at dusk --v 7', '', 'a moat'];
    assert.equal(promptLinesAt(lines, 0), undefined);
    assert.equal(promptLinesAt(lines, 1), undefined);
    assert.equal(promptLinesAt(lines, 2), undefined);
    assert.deepEqual(promptLinesAt(lines, 4), { start: 3, end: 4 });
    assert.deepEqual(promptLinesAt(lines, 3), { start: 3, end: 4 });
    assert.equal(promptLinesAt(lines, 5), undefined);
    assert.deepEqual(promptLinesAt(lines, 6), { start: 6, end: 6 });
    assert.equal(joinPromptLines(lines.slice(3, 5)), 'a castle at dusk --v 7');
  });
});

describe('image bytes for the judge', () => {
  it('trusts the bytes over the declared type', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]);
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);
    const webp = new Uint8Array([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50]);
    assert.equal(sniffImageType(png), 'image/png');
    assert.equal(sniffImageType(webp), 'image/webp');
    assert.equal(imageContentType({ bytes: jpeg, contentType: 'image/png' }), 'image/jpeg');
    assert.equal(imageContentType({ bytes: new Uint8Array([1, 2]), contentType: 'image/png; q=1' }), 'image/png');
    assert.equal(imageContentType({ bytes: new Uint8Array([1, 2]), contentType: 'application/octet-stream' }), 'image/jpeg');
  });
});

describe('imageReaderFromCache', () => {
  it('reads the file the cache answers and types it from its bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mj-ai-'));
    try {
      const path = join(dir, '0_2.jpeg');
      await writeFile(path, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 7]));
      const asked: string[] = [];
      const read = imageReaderFromCache({ get: async (url) => (asked.push(url), path) });
      const image = await read({ index: 3, kind: 'image', url: 'https://cdn.example/0_2.jpeg' });
      assert.deepEqual(asked, ['https://cdn.example/0_2.jpeg']);
      assert.equal(image.contentType, 'image/jpeg');
      assert.deepEqual([...image.bytes], [0xff, 0xd8, 0xff, 0xe0, 7]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('waitForCachedAsset', () => {
  type Change = { upserted: JobRecord[]; removed: string[] };
  function storeWith(initial: JobRecord[]) {
    const listeners = new Set<(c: Change) => void>();
    const jobs = [...initial];
    const store = {
      all: () => jobs,
      get: (id: string) => jobs.find((j) => j.id === id),
      byJobId: () => undefined,
      children: () => [],
      search: () => [],
      onDidChange: (l: (c: Change) => void) => {
        listeners.add(l);
        return { dispose: () => listeners.delete(l) };
      },
    };
    const update = (job: JobRecord) => {
      jobs.splice(0, jobs.length, job);
      for (const l of listeners) l({ upserted: [job], removed: [] });
    };
    return { store, update, listeners };
  }
  const asset = { index: 2, kind: 'image' as const, url: 'https://cdn.example/0_1.jpeg' };
  const job = (cachedPath?: string): JobRecord => ({
    id: 'g', request: { verb: 'imagine', prompt: 'p' }, verb: 'imagine', state: 'completed', buttons: [], priority: 'user', createdAt: 0, updatedAt: 0,
    assets: [{ ...asset, ...(cachedPath ? { cachedPath } : {}) }],
  });

  it('resolves when the download lands in the store', async () => {
    const { store, update, listeners } = storeWith([job()]);
    const pending = waitForCachedAsset(store, asset, 10_000);
    update(job('/cache/abc.jpeg'));
    assert.equal((await pending).cachedPath, '/cache/abc.jpeg');
    assert.equal(listeners.size, 0, 'unsubscribed');
  });

  it('answers at once when cached, and gives the asset back unchanged at the deadline', async () => {
    const { store } = storeWith([job('/cache/abc.jpeg')]);
    assert.equal((await waitForCachedAsset(store, asset, 10_000)).cachedPath, '/cache/abc.jpeg');
    const empty = storeWith([job()]);
    assert.equal((await waitForCachedAsset(empty.store, asset, 20)).cachedPath, undefined);
  });

  it('rejects when aborted', async () => {
    const { store } = storeWith([job()]);
    const controller = new AbortController();
    const pending = waitForCachedAsset(store, asset, 10_000, controller.signal);
    controller.abort();
    await assert.rejects(pending, (e: unknown) => e instanceof Error && e.name === 'AbortError');
  });
});
