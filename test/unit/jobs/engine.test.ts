// The engine against the real simulator over HTTP (time scale 0.01: a 30 s render takes ~0.3 s).
import assert from 'node:assert/strict';
import type { JobRecord } from '../../../src/core/jobs/model';
import { isExpiredDiscordLink } from '../../../src/core/jobs/engine';
import { JOBS_KEY } from '../../../src/core/jobs/persistence';
import type { EngineHarness } from './helpers';
import { MemoryKeyValueStore, imagine, startHarness, until, waitAll } from './helpers';

describe('JobEngine against the simulator', function () {
  this.timeout(30_000);
  let h: EngineHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('runs a batch within the channel budget: every job completes, one POST each, no 429', async () => {
    h = await startHarness({ maxJobs: 3 });
    const { batchId, jobs } = await h.engine.submitBatch(Array.from({ length: 7 }, (_, i) => imagine(`a fox number ${i}`)));
    const done = await waitAll(h.engine, jobs);
    assert.deepEqual(done.map((j) => j.state), Array(7).fill('completed'));
    const counters = h.sim.admin.counters();
    assert.equal(counters.acceptedJobs, 7);
    assert.equal(counters.requests['POST /jobs/imagine'], 7);
    assert.deepEqual(counters.duplicateReplyRefs, []);
    assert.equal(h.engine.stats.busy, 0, 'no 429 when the limits are known');
    for (const job of done) {
      assert.equal(job.buttons.length, 9);
      assert.equal(job.assets.filter((a) => a.kind === 'image').length, 4);
      assert.ok(job.jobId && job.channel);
    }
    assert.ok(h.alerts.some((a) => a.kind === 'batchFinished' && a.batchId === batchId && a.completed === 7));
  });

  it('treats a burst of 429s as "wait and re-queue": no job fails', async () => {
    h = await startHarness({ maxJobs: 3 });
    h.sim.admin.force429(6);
    const { jobs } = await h.engine.submitBatch(Array.from({ length: 5 }, (_, i) => imagine(`a busy heron ${i}`)));
    const done = await waitAll(h.engine, jobs);
    assert.deepEqual(done.map((j) => j.state), Array(5).fill('completed'));
    assert.equal(h.engine.stats.busy, 6);
    assert.equal(h.sim.admin.counters().acceptedJobs, 5);
  });

  it('a 596 pauses only that channel: the batch finishes on the other, pinned jobs resume after reset', async () => {
    h = await startHarness({ accounts: 2, maxJobs: 3 });
    const [locked, healthy] = h.sim.admin.channels();
    h.sim.admin.lockChannel(locked); // after start: the engine learns it from a 596
    const { jobs } = await h.engine.submitBatch([
      ...Array.from({ length: 6 }, (_, i) => imagine(`an owl ${i}`)),
      imagine('a pinned owl', locked),
    ]);
    const pinned = jobs[6];
    await Promise.all(jobs.slice(0, 6).map((j) => h!.engine.waitFor(j.id)));
    for (const job of jobs.slice(0, 6)) {
      const record: JobRecord = h.engine.store.get(job.id)!;
      assert.equal(record.state, 'completed');
      assert.equal(record.channel, healthy);
    }
    assert.equal(h.engine.store.get(pinned.id)?.state, 'queued', 'the pinned job waits for its channel');
    assert.equal(h.alerts.filter((a) => a.kind === 'channelLocked' && a.channel === locked).length, 1, 'the user is told once');
    const lockedAlert = h.alerts.find((a) => a.kind === 'channelLocked');
    assert.match(lockedAlert && 'message' in lockedAlert ? lockedAlert.message : '', /Reset Channel/);
    assert.equal(h.engine.channels().find((c) => c.channel === locked)?.lockedReason !== undefined, true);
    await h.engine.resetChannel(locked);
    const finished = await h.engine.waitFor(pinned.id);
    assert.equal(finished.state, 'completed');
    assert.equal(finished.channel, locked);
    assert.ok(h.alerts.some((a) => a.kind === 'channelResumed' && a.channel === locked));
    assert.deepEqual(h.sim.admin.counters().duplicateReplyRefs, []);
  });

  it('notices a channel reset made elsewhere (GET /accounts) and resumes its waiting jobs', async () => {
    h = await startHarness({ accounts: 2, maxJobs: 3 });
    const [locked] = h.sim.admin.channels();
    h.sim.admin.lockChannel(locked);
    const job = await h.engine.submit({ verb: 'imagine', prompt: 'waits for its channel', channel: locked });
    await until(h.engine, () => h!.alerts.some((a) => a.kind === 'channelLocked'), 'the lock alert');
    assert.equal(h.engine.store.get(job.id)?.state, 'queued');
    h.sim.admin.unlockChannel(locked); // e.g. reset from another window
    const done = await h.engine.waitFor(job.id);
    assert.equal(done.state, 'completed');
    assert.ok(h.alerts.some((a) => a.kind === 'channelResumed' && a.channel === locked));
  });

  it('falls back to polling when the event stream drops, and the job still reaches a terminal state', async () => {
    // Our deadline well after the service's 14-minute timeout (4.2 s here), so the service's verdict is seen.
    h = await startHarness({ timeScale: 0.005 }, { deadlineMs: 8000 });
    h.sim.admin.dropSse({ afterEvents: 2, count: 1 });
    const job = await h.engine.submit({ verb: 'imagine', prompt: 'a dropped stream' });
    const done = await h.engine.waitFor(job.id);
    assert.equal(h.engine.stats.streamDrops, 1);
    assert.ok((h.sim.admin.counters().requests['GET /jobs/{id}'] ?? 0) >= 1, 'polled GET /jobs/{id}');
    // The service freezes a job whose stream broke and times it out (CONTRACT.md §5): the poller sees that.
    assert.equal(done.state, 'failed');
    assert.match(done.reason ?? '', /timed out/i);
    assert.equal(h.sim.admin.counters().acceptedJobs, 1);
  });

  it('reconciles a POST whose answer was lost after the job was accepted: no duplicate', async () => {
    h = await startHarness();
    h.sim.admin.resetConnection({ when: 'afterAccept', count: 1 });
    const job = await h.engine.submit({ verb: 'imagine', prompt: 'an ambiguous submission' });
    const done = await h.engine.waitFor(job.id);
    assert.equal(done.state, 'completed');
    assert.equal(h.engine.stats.reconciled, 1);
    const counters = h.sim.admin.counters();
    assert.equal(counters.acceptedJobs, 1, 'accepted submissions == jobs');
    assert.equal(counters.submissionsByReplyRef[job.id], 1);
    assert.deepEqual(counters.duplicateReplyRefs, []);
  });

  it('resends a POST that certainly never arrived (reset before accept), once', async () => {
    h = await startHarness();
    h.sim.admin.resetConnection({ when: 'beforeAccept', count: 1 });
    const job = await h.engine.submit({ verb: 'imagine', prompt: 'a lost submission' });
    const done = await h.engine.waitFor(job.id);
    assert.equal(done.state, 'completed');
    assert.equal(h.engine.stats.resubmitted, 1);
    assert.equal(h.sim.admin.counters().acceptedJobs, 1);
    assert.deepEqual(h.sim.admin.counters().duplicateReplyRefs, []);
  });

  it('restarts mid-batch: reattaches by id and never resubmits', async () => {
    // Polling mode: with SSE, closing the process would freeze the jobs on the service (§5).
    h = await startHarness({ maxJobs: 3 }, { useSse: false });
    const { jobs } = await h.engine.submitBatch(Array.from({ length: 6 }, (_, i) => imagine(`a restart crane ${i}`)));
    await until(h.engine, () => jobs.filter((j) => h!.engine.store.get(j.id)?.state === 'running').length >= 3, 'three running jobs');
    await h.engine.dispose();
    const saved = h.kv.get<{ records: JobRecord[] }>(JOBS_KEY)?.records ?? [];
    assert.equal(saved.length, 6);
    assert.ok(saved.some((r) => r.state === 'running' && r.jobId));
    const acceptedBefore = h.sim.admin.counters().acceptedJobs;
    const second = await h.newEngine();
    const done = await waitAll(second, jobs);
    assert.deepEqual(done.map((j) => j.state), Array(6).fill('completed'));
    const counters = h.sim.admin.counters();
    assert.equal(counters.acceptedJobs, 6, 'every prompt was accepted exactly once');
    assert.ok(acceptedBefore <= 6);
    assert.deepEqual(counters.duplicateReplyRefs, []);
  });

  it('restarts mid-batch in SSE mode: the streams closed, yet nothing is resent and every job ends', async () => {
    h = await startHarness({ maxJobs: 2, timeScale: 0.005 }, { deadlineMs: 8000 });
    const { jobs } = await h.engine.submitBatch(Array.from({ length: 4 }, (_, i) => imagine(`a streamed restart ${i}`)));
    await until(h.engine, () => jobs.filter((j) => h!.engine.store.get(j.id)?.state === 'running').length >= 2, 'two running jobs');
    await h.engine.dispose();
    const second = await h.newEngine();
    const done = await waitAll(second, jobs);
    assert.ok(done.every((j) => j.state === 'completed' || j.state === 'failed'), done.map((j) => j.state).join());
    // The two whose streams closed were frozen by the service (§5) and timed out there; the rest ran normally.
    assert.ok(done.filter((j) => j.state === 'completed').length >= 2);
    const counters = h.sim.admin.counters();
    assert.equal(counters.acceptedJobs, 4);
    assert.deepEqual(counters.duplicateReplyRefs, []);
  });

  it('a restart that finds a job still "submitting" looks it up by replyRef instead of resending', async () => {
    h = await startHarness({}, { useSse: false });
    const job = await h.engine.submit({ verb: 'imagine', prompt: 'a crash during the POST' });
    const running = await until(h.engine, () => h!.engine.store.get(job.id)?.state === 'running', 'running').then(() => h!.engine.store.get(job.id)!);
    await h.engine.dispose();
    // Simulate a crash between the POST and its answer: the saved record knows no job id yet.
    const state = h.kv.get<{ version: 1; records: JobRecord[] }>(JOBS_KEY)!;
    state.records = state.records.map((r) => (r.id === job.id ? { ...r, state: 'submitting', jobId: undefined, apiStatus: undefined } : r));
    await h.kv.set(JOBS_KEY, state);
    const second = await h.newEngine();
    const done = await second.waitFor(job.id);
    assert.equal(done.state, 'completed');
    assert.equal(done.jobId, running.jobId);
    assert.equal(second.stats.reconciled, 1);
    assert.equal(h.sim.admin.counters().acceptedJobs, 1);
  });

  it('cancels a running job with DELETE and a queued one locally', async () => {
    h = await startHarness({ maxJobs: 1, timeScale: 0.02 });
    const first = await h.engine.submit({ verb: 'imagine', prompt: 'a long render' });
    const second = await h.engine.submit({ verb: 'imagine', prompt: 'never sent' });
    await until(h.engine, () => h!.engine.store.get(first.id)?.jobId !== undefined, 'first job accepted');
    await h.engine.cancel(second.id);
    assert.equal(h.engine.store.get(second.id)?.state, 'cancelled');
    await h.engine.cancel(first.id);
    const done = await h.engine.waitFor(first.id);
    assert.equal(done.state, 'cancelled');
    const counters = h.sim.admin.counters();
    assert.equal(counters.requests['DELETE /jobs/{id}'], 1);
    assert.equal(counters.acceptedJobs, 1, 'the queued job was never sent');
  });

  it('a cancel that arrives while the POST is in flight cancels the job as soon as the service names it', async () => {
    h = await startHarness({ timeScale: 0.02 });
    h.sim.admin.slowResponses(300, 1);
    const job = await h.engine.submit({ verb: 'imagine', prompt: 'cancelled in flight' });
    await until(h.engine, () => h!.engine.store.get(job.id)?.state === 'submitting', 'submitting');
    await h.engine.cancel(job.id);
    const done = await h.engine.waitFor(job.id);
    assert.equal(done.state, 'cancelled');
    assert.equal(h.sim.admin.counters().requests['DELETE /jobs/{id}'], 1);
  });

  it('gives up at the deadline: a job that never ends becomes "lost" with a reason', async () => {
    h = await startHarness({}, { deadlineMs: 800 });
    const job = await h.engine.submit({ verb: 'imagine', prompt: 'a frozen render [[freeze]]' });
    const done = await h.engine.waitFor(job.id);
    assert.equal(done.state, 'lost');
    assert.match(done.reason ?? '', /No result within/);
  });

  it('reports moderation and failures with the service reasons', async () => {
    h = await startHarness();
    h.sim.admin.forceOutcome('forbidden', { status: 'moderated', error: 'Banned prompt', errorDetails: 'The word is not allowed' });
    const { jobs } = await h.engine.submitBatch([imagine('a forbidden thing'), imagine('a broken thing [[fail]]'), imagine('https://example.com/a.png a waving flag --video')]);
    const [moderated, failed, video] = await waitAll(h.engine, jobs);
    assert.equal(moderated.state, 'moderated');
    assert.equal(moderated.reason, 'Banned prompt');
    assert.equal(moderated.reasonDetails, 'The word is not allowed');
    assert.equal(failed.state, 'failed');
    assert.match(failed.reason ?? '', /failed/i);
    assert.equal(video.jobType, 'video');
  });

  it('runs settings-type commands, buttons pinned to the parent channel, and keeps lineage', async () => {
    h = await startHarness({ accounts: 2 });
    const info = await h.engine.waitFor((await h.engine.submit({ verb: 'info' })).id);
    assert.equal(info.state, 'completed');
    assert.ok(info.settings && Object.keys(info.settings).length > 0);
    const parent = await h.engine.waitFor((await h.engine.submit({ verb: 'imagine', prompt: 'a parent grid' })).id);
    const child = await h.engine.waitFor((await h.engine.submit({ verb: 'button', parentJobId: parent.jobId!, button: 'U2' })).id);
    assert.equal(child.state, 'completed');
    assert.equal(child.channel, parent.channel);
    assert.equal(child.parentId, parent.id);
    assert.deepEqual(h.engine.store.children(parent.id).map((c) => c.id), [child.id]);
    const seed = await h.engine.waitFor((await h.engine.submit({ verb: 'seed', parentJobId: parent.jobId! })).id);
    assert.equal(seed.state, 'completed');
    assert.equal(typeof seed.seed, 'number');
  });

  it('puts a job the user starts by hand ahead of a queued batch', async () => {
    h = await startHarness({ maxJobs: 1 });
    const { jobs } = await h.engine.submitBatch(Array.from({ length: 4 }, (_, i) => imagine(`batch ${i}`)));
    const mine = await h.engine.submit({ verb: 'imagine', prompt: 'mine first' }, { priority: 'user' });
    await waitAll(h.engine, [...jobs, mine]);
    const order = [...jobs, mine].map((j) => h!.engine.store.get(j.id)!).sort((a, b) => (a.submittedAt ?? 0) - (b.submittedAt ?? 0));
    assert.equal(order[0].id, jobs[0].id, 'the batch job already sent keeps running');
    assert.equal(order[1].id, mine.id, 'the hand-started job goes next');
  });

  it('pauses and resumes the queue; persistence is batched', async () => {
    h = await startHarness({ maxJobs: 3 }, { persistDelayMs: 100 });
    h.engine.pauseQueue();
    const { jobs } = await h.engine.submitBatch(Array.from({ length: 3 }, (_, i) => imagine(`paused ${i}`)));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(h.sim.admin.counters().acceptedJobs, 0);
    assert.ok(h.engine.queuePaused);
    h.engine.resumeQueue();
    await waitAll(h.engine, jobs);
    await h.engine.flush();
    // ~11 state changes per job (33 in all); writes are batched into far fewer.
    assert.ok(h.kv.writes < 15, `${h.kv.writes} writes`);
  });
});

describe('JobEngine helpers', () => {
  it('starts empty on a fresh store', () => {
    assert.equal(new MemoryKeyValueStore().get(JOBS_KEY), undefined);
  });

  it('knows when a Discord grid link has expired', () => {
    const url = (ex: number): string => `https://cdn.discordapp.com/attachments/1/2/g.png?ex=${ex.toString(16)}&is=0&hm=abc&`;
    assert.equal(isExpiredDiscordLink(url(1000), 2_000_000), true);
    assert.equal(isExpiredDiscordLink(url(3000), 2_000_000), false);
    assert.equal(isExpiredDiscordLink('https://cdn.midjourney.com/x/0_0.jpeg', 2_000_000), false);
  });
});

describe('JobEngine batch pacing (midjourney.batch.delaySeconds / sequential)', function () {
  this.timeout(30_000);
  let h: EngineHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const inFlightBatch = (engine: EngineHarness['engine']): number =>
    engine.store.all().filter((r) => r.priority === 'batch' && (r.state === 'submitting' || r.state === 'running')).length;

  it('sequential: one batch job in flight at a time, while a job the user starts goes at once', async () => {
    h = await startHarness({ maxJobs: 3 }, { batchSequential: true });
    const engine = h.engine;
    let mostInFlight = 0;
    let userSentWhileBatchRan = false;
    const watch = engine.store.onDidChange(() => {
      mostInFlight = Math.max(mostInFlight, inFlightBatch(engine));
    });
    const { jobs } = await engine.submitBatch([imagine('paced one'), imagine('paced two'), imagine('paced three')]);
    await until(engine, () => inFlightBatch(engine) === 1, 'the first batch job is sent');
    const user = await engine.submit({ verb: 'imagine', prompt: 'the user cannot wait' });
    await until(engine, () => engine.store.get(user.id)?.state !== 'queued', 'the user job is sent');
    userSentWhileBatchRan = inFlightBatch(engine) === 1;
    const done = await waitAll(engine, [...jobs, user]);
    watch.dispose();
    assert.equal(mostInFlight, 1, 'never two batch jobs at once');
    assert.ok(userSentWhileBatchRan, 'the user job did not wait for the batch');
    assert.deepEqual(done.map((r) => r.state), ['completed', 'completed', 'completed', 'completed']);
  });

  it('delay: batch submissions are spaced by at least the delay, and all complete', async () => {
    h = await startHarness({ maxJobs: 3 }, { batchDelayMs: 250 });
    const { jobs } = await h.engine.submitBatch([imagine('spaced one'), imagine('spaced two'), imagine('spaced three')]);
    const done = await waitAll(h.engine, jobs);
    const sent = done.map((r) => r.submittedAt ?? 0).sort((a, b) => a - b);
    assert.ok(sent[1] - sent[0] >= 250 && sent[2] - sent[1] >= 250, `gaps ${sent[1] - sent[0]} and ${sent[2] - sent[1]} ms`);
    assert.ok(done.every((r) => r.state === 'completed'));
    assert.equal(h.sim.admin.counters().acceptedJobs, 3);
  });
});
