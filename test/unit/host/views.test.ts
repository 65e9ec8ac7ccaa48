import * as assert from 'node:assert';
import type { ChannelState } from '../../../src/core/jobs/api';
import type { JobRecord } from '../../../src/core/jobs/model';
import { channelContextValue, channelDescription, channelDetails, modesFromSettings } from '../../../src/host/views/channelsModel';
import { buildJobsSnapshot, isSeedable, jobContextValue, jobDescription, jobLabel } from '../../../src/host/views/jobsModel';

let counter = 0;
function job(partial: Partial<JobRecord>): JobRecord {
  counter++;
  return {
    id: `local-${counter}`, request: { verb: 'imagine', prompt: `prompt ${counter}` }, verb: 'imagine', state: 'queued', buttons: [], assets: [],
    priority: 'user', createdAt: counter * 1000, updatedAt: counter * 1000, ...partial,
  };
}

const grid = (): Partial<JobRecord> => ({
  state: 'completed', jobId: 'j0101000000000000000i-u1-c1234567890123456789-bot:midjourney', jobType: 'image',
  buttons: ['U1', 'U2', 'U3', 'U4', '🔄', 'V1', 'V2', 'V3', 'V4'],
  assets: [{ index: 0, kind: 'grid', url: 'https://x/grid.png' }, ...[1, 2, 3, 4].map((i) => ({ index: i, kind: 'image' as const, url: `https://x/${i}.jpeg` }))],
});

describe('host/views/jobsModel', () => {
  it('groups by state (running, queued, finished), newest first, and hides empty groups', () => {
    const a = job({ state: 'running', progress: 40 });
    const b = job({ state: 'queued' });
    const c = job(grid());
    const d = job({ state: 'failed', reason: 'Job timed out' });
    const snapshot = buildJobsSnapshot([a, b, c, d], 'state', '');
    assert.deepStrictEqual(snapshot.groups.map((g) => [g.id, g.jobs.map((j) => j.id)]), [
      ['group:running', [a.id]],
      ['group:queued', [b.id]],
      ['group:finished', [d.id, c.id]],
    ]);
    assert.strictEqual(buildJobsSnapshot([c], 'state', '').groups.length, 1);
  });

  it('nests finished children under their finished parent', () => {
    const parent = job(grid());
    const child = job({ ...grid(), parentId: parent.id, parentButton: 'U2', verb: 'button', request: { verb: 'button', parentJobId: 'x', button: 'U2' } });
    const running = job({ state: 'running', parentId: parent.id, verb: 'button', request: { verb: 'button', parentJobId: 'x', button: 'V1' } });
    const snapshot = buildJobsSnapshot([parent, child, running], 'state', '');
    assert.deepStrictEqual(snapshot.nested.get(parent.id)?.map((j) => j.id), [child.id]);
    assert.deepStrictEqual(snapshot.groups.find((g) => g.id === 'group:finished')?.jobs.map((j) => j.id), [parent.id]);
    assert.deepStrictEqual(snapshot.groups.find((g) => g.id === 'group:running')?.jobs.map((j) => j.id), [running.id]);
    assert.strictEqual(jobLabel(child, parent), `U2 · ${parent.request.verb === 'imagine' ? parent.request.prompt : ''}`);
  });

  it('groups by source file and filters by text', () => {
    const x = job({ source: { file: '/w/a.prompts', line: 1 }, request: { verb: 'imagine', prompt: 'a fox' } });
    const y = job({ request: { verb: 'imagine', prompt: 'a bear' } });
    const bySource = buildJobsSnapshot([x, y], 'source', '');
    assert.deepStrictEqual(bySource.groups.map((g) => [g.label, g.description]), [['a.prompts', '/w'], ['Palette and explorer', undefined]]);
    const filtered = buildJobsSnapshot([x, y], 'state', 'FOX');
    assert.strictEqual(filtered.hidden, 1);
    assert.deepStrictEqual(filtered.groups.flatMap((g) => g.jobs.map((j) => j.id)), [x.id]);
  });

  it('builds the context values the manifest menus match', () => {
    assert.strictEqual(jobContextValue(job({ state: 'running' })), 'job:running');
    assert.strictEqual(jobContextValue(job({ ...grid(), source: { file: 'f', line: 0 } })), 'job:completed:buttons:seedable:source:grid');
    assert.strictEqual(jobContextValue(job({ state: 'moderated' })), 'job:moderated');
    assert.ok(!isSeedable(job({ ...grid(), jobType: 'video' })));
  });

  it('describes progress and results', () => {
    assert.strictEqual(jobDescription(job({ state: 'running', progress: 46.4 }), 0), '46%');
    assert.strictEqual(jobDescription(job({ state: 'running', apiStatus: 'started' }), 0), 'waiting to start');
    const done = job({ ...grid(), finishedAt: 0 });
    assert.strictEqual(jobDescription(done, 3 * 60_000), '4 images');
    assert.strictEqual(jobDescription(job({ state: 'completed', describedPrompts: ['a', 'b', 'c', 'd'], finishedAt: 0 }), 0), '4 prompts');
    assert.strictEqual(jobDescription(job({ state: 'completed', verb: 'fast', request: { verb: 'fast' }, finishedAt: 0 }), 5 * 60_000), 'done · 5 min ago');
    assert.strictEqual(jobDescription(job({ state: 'moderated', reason: 'Invalid request' }), 0), 'moderated: Invalid request');
  });
});

describe('host/views/channelsModel', () => {
  const channel: ChannelState = { channel: '123', maxJobs: 3, maxImageJobs: 3, maxVideoJobs: 2, running: { total: 1, images: 1, videos: 0 }, discord: 'MTI...xyz' };
  it('shows load, modes and the lock', () => {
    const modes = modesFromSettings({ relax: true, fast: false, remix: true, variability: false, version: '7' }, 5);
    assert.deepStrictEqual(modes, { speed: 'relax', remix: true, variability: false, version: '7', updatedAt: 5 });
    assert.strictEqual(channelDescription(channel, modes), '1/3 running · relax · remix');
    assert.strictEqual(channelContextValue(channel), 'channel');
    const locked = { ...channel, lockedReason: 'Pending mod message' };
    assert.strictEqual(channelContextValue(locked), 'channel:locked');
    assert.strictEqual(channelDescription(locked), 'locked: Pending mod message');
    const rows = channelDetails(locked, modes);
    assert.ok(rows[0].resetAction);
    assert.ok(rows.some((r) => r.label === 'Discord token' && r.description === 'MTI...xyz'));
  });
});
