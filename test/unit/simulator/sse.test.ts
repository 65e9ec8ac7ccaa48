// SSE framing and the disconnect rule (CONTRACT.md §5, §14 #18–#19): a stream lost before the terminal
// event freezes its job, which keeps its slot until DELETE or the (scaled) 14-minute timeout.
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../../src/simulator/index';
import { API, call, getJob, jobOf, sleep, start, stream, submit, waitFor } from './helpers';

describe('simulator: SSE', () => {
  let sim: RunningSimulator;

  afterEach(async () => {
    await sim.close();
  });

  it('frames every message as one data: line with seq from 0, initialized first, closes after the terminal event', async () => {
    sim = await start();
    const result = await stream(sim, 'imagine', { prompt: 'framing check' });
    assert.equal(result.status, 200);
    assert.ok(result.closedByServer);
    const [first, ...rest] = result.events;
    assert.equal(first.event, 'initialized');
    assert.ok(first.event === 'initialized');
    assert.equal(first.message, 'Stream initialized');
    assert.equal(first.seq, 0);
    assert.match(first.ts, /^\d\d:\d\d:\d\d\.\d{3}$/);
    const jobs = rest.map(jobOf);
    assert.equal(first.jobId, jobs[0].jobid);
    rest.forEach((event, i) => assert.equal(event.event, `midjourney_${jobs[i].status}`));
    assert.equal(rest.filter((e) => e.event === 'midjourney_completed').length, 1);
    assert.equal(rest.at(-1)!.event, 'midjourney_completed');
    for (const event of rest) assert.equal(event.event === 'midjourney_progress', jobOf(event).response?.progress_percent !== undefined);
  });

  it('streams settings-type jobs as created → completed without progress', async () => {
    sim = await start();
    const result = await stream(sim, 'fast', {});
    assert.deepEqual(result.events.map((e) => e.event), ['initialized', 'midjourney_created', 'midjourney_completed']);
  });

  it('streams an execute-once repeat from the existing job', async () => {
    sim = await start();
    const parent = await waitFor(sim, (await submit(sim, 'imagine', { prompt: 'repeat stream' })).jobid);
    const first = await stream(sim, 'button', { jobId: parent.jobid, button: 'U1' });
    const repeat = await stream(sim, 'button', { jobId: parent.jobid, button: 'U1' });
    assert.equal(repeat.status, 200);
    assert.deepEqual(repeat.events.map((e) => e.event), ['initialized', 'midjourney_completed']);
    assert.equal(jobOf(repeat.events[1]).jobid, jobOf(first.events.at(-1)!).jobid);
  });

  it('freezes a job whose client disconnects; it keeps its slot until DELETE', async () => {
    sim = await start({ maxJobs: 1 });
    const cut = await stream(sim, 'imagine', { prompt: 'client goes away' }, 3);
    assert.equal(cut.closedByServer, false);
    const jobid = jobOf(cut.events[1]).jobid;
    await sleep(600); // well past the simulated 34 s (0.34 s) a render takes at this scale
    const frozen = await getJob(sim, jobid);
    assert.ok(['started', 'progress'].includes(frozen.status), `frozen in ${frozen.status}`);
    const listing = (await call(sim, 'GET', `${API}/jobs`)).json as { total: number };
    assert.equal(listing.total, 1);
    const blocked = await call(sim, 'POST', `${API}/jobs/imagine`, { prompt: 'no room', stream: false });
    assert.equal(blocked.status, 429);
    assert.equal((await call(sim, 'DELETE', `${API}/jobs/${jobid}`)).status, 204);
    assert.equal((await getJob(sim, jobid)).error, 'Job cancelled by user');
    assert.equal((await call(sim, 'POST', `${API}/jobs/imagine`, { prompt: 'room again', stream: false })).status, 201);
  });

  it('fails a frozen job with "Job timed out" after the scaled 14 minutes (dropSse fault)', async () => {
    sim = await start({ timeScale: 0.002 });
    sim.admin.dropSse({ afterEvents: 3, count: 1 });
    const cut = await stream(sim, 'imagine', { prompt: 'server cuts the stream' });
    assert.equal(cut.events.length, 3);
    assert.equal(cut.events[2].event, 'midjourney_started');
    assert.ok(cut.closedByServer);
    const jobid = jobOf(cut.events[1]).jobid;
    assert.equal((await getJob(sim, jobid)).status, 'started');
    const timedOut = await waitFor(sim, jobid, ['completed', 'failed', 'moderated'], 10_000);
    assert.equal(timedOut.status, 'failed');
    assert.equal(timedOut.error, 'Job timed out');
    assert.equal(timedOut.code, 408);
    const elapsed = Date.parse(timedOut.updated!) - Date.parse(timedOut.created);
    assert.ok(Math.abs(elapsed - 14 * 60_000) < 5_000, `timed out after ${elapsed} simulated ms`);
    const next = await stream(sim, 'imagine', { prompt: 'the next stream is whole' });
    assert.equal(next.events.at(-1)!.event, 'midjourney_completed');
  });

  it('freezes a [[freeze]] job after its progress events until the timeout', async () => {
    sim = await start({ timeScale: 0.002 });
    const result = await stream(sim, 'imagine', { prompt: 'stuck render [[freeze]]' });
    const names = result.events.map((e) => e.event);
    assert.equal(names.filter((n) => n === 'midjourney_progress').length, 7);
    assert.equal(names.at(-1), 'midjourney_failed');
    const failed = jobOf(result.events.at(-1)!);
    assert.deepEqual([failed.error, failed.code], ['Job timed out', 408]);
  });

  it('ends a stream with an error event when the dropSse fault carries an error text', async () => {
    sim = await start();
    sim.admin.dropSse({ afterEvents: 2, count: 1, error: 'Upstream connection lost' });
    const result = await stream(sim, 'imagine', { prompt: 'error event' });
    assert.deepEqual(result.events.map((e) => e.event), ['initialized', 'midjourney_created', 'error']);
    const last = result.events[2];
    assert.ok(last.event === 'error');
    assert.equal(last.error, 'Upstream connection lost');
    assert.ok(result.closedByServer);
    await sleep(450);
    const jobid = jobOf(result.events[1]).jobid;
    assert.equal((await getJob(sim, jobid)).status, 'created', 'the job froze with its stream');
    assert.equal((await call(sim, 'DELETE', `${API}/jobs/${jobid}`)).status, 204);
  });

  it('keeps stream:false jobs running without any client', async () => {
    sim = await start();
    const job = await submit(sim, 'imagine', { prompt: 'nobody watches' });
    await sleep(450);
    assert.equal((await getJob(sim, job.jobid)).status, 'completed');
  });
});
