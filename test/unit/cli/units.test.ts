import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createStderrLogger } from '../../../src/cli/backend';
import { JsonFileKeyValueStore } from '../../../src/cli/kv-file';
import { countJobs, formatDuration, formatProgress } from '../../../src/cli/progress';
import type { JobRecord } from '../../../src/core/jobs/model';

describe('CLI pieces', () => {
  it('JsonFileKeyValueStore survives a new instance and writes atomically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mj-kv-'));
    try {
      const path = join(dir, 'nested', 'state.json');
      const kv = new JsonFileKeyValueStore(path);
      await kv.set('a', { n: 1 });
      await Promise.all([kv.set('b', [1, 2]), kv.set('a', { n: 2 })]);
      const again = new JsonFileKeyValueStore(path);
      assert.deepEqual(again.get('a'), { n: 2 });
      assert.deepEqual(again.get('b'), [1, 2]);
      assert.deepEqual([...again.keys()].sort(), ['a', 'b']);
      assert.doesNotThrow(() => JSON.parse(readFileSync(path, 'utf8')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('formats progress', () => {
    const job = (state: JobRecord['state'], progress?: number): JobRecord => ({ id: state, request: { verb: 'fast' }, verb: 'fast', state, progress, buttons: [], assets: [], priority: 'batch', createdAt: 0, updatedAt: 0 });
    const counts = countJobs([job('completed'), job('failed'), job('running', 50), job('queued')]);
    assert.deepEqual(counts, { total: 4, completed: 1, failed: 1, running: 1, queued: 1, runningPercent: 50 });
    assert.equal(formatProgress(counts, 83_000, 8), '[█████░░░] 2/4 ✓1 ✗1 ▶1 (50%) ⏳1 1m23s');
    assert.equal(formatDuration(4_400), '4s');
  });

  it('the stderr logger redacts tokens and respects the level', () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (d: Buffer) => (text += d.toString()));
    const logger = createStderrLogger(stream, 'info', ['sk-registeredSecret1']);
    logger.debug('hidden');
    logger.warn('token user:1234-engineTestToken00000 and sk-registeredSecret1');
    assert.equal(text, 'warn: token *** and ***\n');
  });
});
