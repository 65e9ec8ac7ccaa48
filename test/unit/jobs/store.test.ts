import assert from 'node:assert/strict';
import type { JobRecord } from '../../../src/core/jobs/model';
import { JobStore } from '../../../src/core/jobs/store';
import type { JobStoreChange } from '../../../src/core/jobs/api';

function record(id: string, createdAt: number, extra: Partial<JobRecord> = {}): JobRecord {
  return { id, request: { verb: 'imagine', prompt: `prompt ${id}` }, verb: 'imagine', state: 'queued', buttons: [], assets: [], priority: 'batch', createdAt, updatedAt: createdAt, ...extra };
}

describe('JobStore', () => {
  it('lists newest first, finds by job id, follows lineage and searches prompts', () => {
    const store = new JobStore();
    const changes: JobStoreChange[] = [];
    store.onDidChange((c) => changes.push(c));
    store.upsert(record('a', 1, { jobId: 'J-A', echoedPrompt: 'Echo Of A --v 7.0' }));
    store.upsert(record('b', 2, { parentId: 'a', request: { verb: 'button', parentJobId: 'J-A', button: 'U1' }, verb: 'button' }));
    store.upsert(record('c', 3, { parentId: 'b', request: { verb: 'button', parentJobId: 'J-B', button: 'Vary (Subtle)' }, verb: 'button' }));
    assert.deepEqual(store.all().map((r) => r.id), ['c', 'b', 'a']);
    assert.equal(store.byJobId('J-A')?.id, 'a');
    assert.deepEqual(store.children('a').map((r) => r.id), ['b']);
    assert.deepEqual(store.ancestors('c').map((r) => r.id), ['b', 'a']);
    assert.deepEqual(store.search('ECHO of').map((r) => r.id), ['a']);
    assert.deepEqual(store.search('vary').map((r) => r.id), ['c']);
    store.remove(['a', 'zzz']);
    assert.equal(store.byJobId('J-A'), undefined);
    assert.equal(changes.length, 4);
    assert.deepEqual(changes[3].removed, ['a']);
  });
});
