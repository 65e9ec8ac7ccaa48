// Capacity per channel across image and video jobs, 429 answers, random channel choice, GET /jobs,
// and the 596 lock/reset cycle (CONTRACT.md §6, §11, §14 #17, #22, #24, §15 #1–#2).
import assert from 'node:assert/strict';
import { ErrorBodySchema, RunningJobsSchema } from '../../../src/core/api/schemas';
import type { RunningSimulator } from '../../../src/simulator/index';
import { API, call, errorOf, imagine, start, submit } from './helpers';

const VIDEO_PROMPT = 'https://example.invalid/frame.png a slow pan --video';

describe('simulator: capacity and channel locks', () => {
  let sim: RunningSimulator;

  afterEach(async () => {
    await sim.close();
  });

  async function post(prompt: string, channel?: string): Promise<{ status: number; body: unknown }> {
    const answer = await call(sim, 'POST', `${API}/jobs/imagine`, { prompt, stream: false, ...(channel ? { channel } : {}) });
    return { status: answer.status, body: answer.json };
  }

  it('counts image and video jobs against maxJobs, maxImageJobs and maxVideoJobs', async () => {
    // Slow enough that nothing finishes during the test; everything is cancelled at the end.
    sim = await start({ timeScale: 0.05, maxJobs: 3, maxImageJobs: 2, maxVideoJobs: 2 });
    assert.equal((await post('image one')).status, 201);
    assert.equal((await post('image two')).status, 201);
    const thirdImage = await post('image three');
    assert.equal(thirdImage.status, 429);
    assert.deepEqual(thirdImage.body, { error: 'All channels are busy, retry later', code: 429 });
    assert.equal((await post(VIDEO_PROMPT)).status, 201);
    assert.equal((await post(VIDEO_PROMPT)).status, 429, 'maxJobs reached although a video slot is free');

    const listing = RunningJobsSchema.parse((await call(sim, 'GET', `${API}/jobs`)).json);
    assert.deepEqual([listing.total, listing.images, listing.videos], [3, 2, 1]);
    const channel = Object.values(listing.channels)[0];
    assert.deepEqual([channel.maxJobs, channel.maxImageJobs, channel.maxVideoJobs], [3, 2, 2]);
    assert.equal(channel.jobs.length, 3);
    for (const job of channel.jobs) assert.match(job.elapsed!, /^\d\d:\d\d$/);

    for (const job of channel.jobs) assert.equal((await call(sim, 'DELETE', `${API}/jobs/${job.jobId}`)).status, 204);
    const empty = RunningJobsSchema.parse((await call(sim, 'GET', `${API}/jobs`)).json);
    assert.equal(empty.total, 0);
    assert.equal(Object.keys(empty.channels).length, 1, 'idle channels are listed with zero counts');
  });

  it('counts a video job against the video limit', async () => {
    sim = await start({ timeScale: 0.05, maxJobs: 3, maxVideoJobs: 1 });
    assert.equal((await post(VIDEO_PROMPT)).status, 201);
    assert.equal((await post(VIDEO_PROMPT)).status, 429);
    assert.equal((await post('an image still fits')).status, 201);
  });

  it('frees the slot when a job finishes', async () => {
    sim = await start({ maxJobs: 1 });
    await imagine(sim, 'first');
    assert.equal((await post('second')).status, 201);
  });

  it('spreads jobs over channels with room and reports a pinned full channel', async () => {
    sim = await start({ timeScale: 0.05, accounts: 3, maxJobs: 2 });
    const channels = sim.admin.channels();
    assert.equal(channels.length, 3);
    const used = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const answer = await post(`job ${i}`);
      assert.equal(answer.status, 201);
      used.add(/-c(\d+)-/.exec((answer.body as { jobid: string }).jobid)![1]);
    }
    assert.equal(used.size, 3, 'every channel got jobs');
    const full = await post('one too many');
    assert.equal(full.status, 429);
    const pinned = await call(sim, 'POST', `${API}/jobs/imagine`, { prompt: 'pinned', channel: channels[0], stream: false });
    assert.equal(pinned.status, 429);
    assert.match(errorOf(pinned), new RegExp(channels[0]));
    const listing = RunningJobsSchema.parse((await call(sim, 'GET', `${API}/jobs`)).json);
    assert.equal(listing.total, 6);
    for (const channel of Object.values(listing.channels)) {
      for (const job of channel.jobs) await call(sim, 'DELETE', `${API}/jobs/${job.jobId}`);
    }
  });

  it('chooses channels at random', async () => {
    sim = await start({ accounts: 2, maxJobs: 15, timeScale: 0.05 });
    const first: string[] = [];
    for (let i = 0; i < 12; i++) {
      const answer = await post(`random ${i}`);
      first.push(/-c(\d+)-/.exec((answer.body as { jobid: string }).jobid)![1]);
    }
    assert.equal(new Set(first).size, 2);
    assert.notDeepEqual(first.slice(0, 6), Array(6).fill(first[0]));
  });

  it('adds Retry-After / retry_after / executingJobs to 429 when switched on', async () => {
    sim = await start({ timeScale: 0.05, maxJobs: 1 });
    sim.admin.set429Details({ retryAfterSeconds: 7, executingJobs: true });
    const running = await submit(sim, 'imagine', { prompt: 'occupies the slot' });
    const answer = await call(sim, 'POST', `${API}/jobs/imagine`, { prompt: 'busy', stream: false });
    assert.equal(answer.status, 429);
    assert.equal(answer.headers.get('retry-after'), '7');
    const body = ErrorBodySchema.parse(answer.json);
    assert.equal(body.retry_after, 7);
    assert.deepEqual(body.executingJobs, [running.jobid]);
    await call(sim, 'DELETE', `${API}/jobs/${running.jobid}`);
  });

  it('locks a channel (596), skips it in rotation, and clears it with POST /accounts/reset/{channel}', async () => {
    sim = await start({ accounts: 2 });
    const [locked, healthy] = sim.admin.channels();
    sim.admin.lockChannel(locked);

    const pinned = await call(sim, 'POST', `${API}/jobs/imagine`, { prompt: 'pinned to locked', channel: locked, stream: false });
    assert.equal(pinned.status, 596);
    assert.deepEqual(pinned.json, { error: `Channel ${locked} has a pending moderation message or CAPTCHA`, channel: locked, code: 596 });

    const accounts = (await call(sim, 'GET', `${API}/accounts`)).json as Record<string, { error?: string }>;
    assert.equal(accounts[locked].error, 'Pending mod message');
    assert.equal(accounts[healthy].error, undefined);

    for (let i = 0; i < 3; i++) {
      const job = await submit(sim, 'imagine', { prompt: `rotation ${i}` });
      assert.match(job.jobid, new RegExp(`-c${healthy}-`));
      await call(sim, 'DELETE', `${API}/jobs/${job.jobid}`);
    }

    sim.admin.lockChannel(healthy);
    const none = await call(sim, 'POST', `${API}/jobs/imagine`, { prompt: 'all locked', stream: false });
    assert.equal(none.status, 596);

    assert.equal((await call(sim, 'POST', `${API}/accounts/reset/${locked}`)).status, 204);
    assert.equal(((await call(sim, 'GET', `${API}/accounts/${locked}`)).json as { error?: string }).error, undefined);
    const again = await submit(sim, 'imagine', { prompt: 'after reset', channel: locked });
    assert.match(again.jobid, new RegExp(`-c${locked}-`));
    assert.equal((await call(sim, 'POST', `${API}/accounts/reset/123456789012345678`)).status, 404);
  });

  it('locks the chosen channel when a prompt contains [[lock]]', async () => {
    sim = await start();
    const [channel] = sim.admin.channels();
    const answer = await call(sim, 'POST', `${API}/jobs/imagine`, { prompt: 'trigger a captcha [[lock]]', stream: false });
    assert.equal(answer.status, 596);
    assert.equal((answer.json as { channel: string }).channel, channel);
    assert.equal((await call(sim, 'POST', `${API}/jobs/imagine`, { prompt: 'next', stream: false })).status, 596);
    assert.equal((await call(sim, 'POST', `${API}/jobs/fast`, { stream: false })).status, 596);
    assert.equal((await call(sim, 'POST', `${API}/accounts/reset/${channel}`)).status, 204);
    assert.equal((await call(sim, 'POST', `${API}/jobs/imagine`, { prompt: 'next', stream: false })).status, 201);
    assert.equal(sim.admin.counters().acceptedJobs, 1);
  });

  it('runs button jobs on the parent channel and answers 596 when it is locked', async () => {
    sim = await start({ accounts: 2 });
    const parent = await imagine(sim, 'parent');
    const channel = /-c(\d+)-/.exec(parent.jobid)![1];
    sim.admin.lockChannel(channel);
    const answer = await call(sim, 'POST', `${API}/jobs/button`, { jobId: parent.jobid, button: 'V1', stream: false });
    assert.equal(answer.status, 596);
    sim.admin.unlockChannel(channel);
    const child = await submit(sim, 'button', { jobId: parent.jobid, button: 'V1' });
    assert.match(child.jobid, new RegExp(`-c${channel}-`));
  });
});
