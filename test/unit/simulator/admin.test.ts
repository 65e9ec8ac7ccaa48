// The fault/admin interface (CONTRACT.md §14 #27), in-process and over HTTP under /__sim/, and the
// counters the engine's fault tests use to prove "no duplicates".
import assert from 'node:assert/strict';
import { ErrorBodySchema } from '../../../src/core/api/schemas';
import { systemClock } from '../../../src/core/ports';
import type { RunningSimulator, SimClock } from '../../../src/simulator/index';
import { API, call, start, submit, waitFor } from './helpers';

async function postImagine(sim: RunningSimulator, prompt: string, extra: Record<string, unknown> = {}): Promise<Response> {
  return fetch(`${sim.url}${API}/jobs/imagine`, {
    method: 'POST',
    headers: { Authorization: 'Bearer user:1234-simulatorTestToken0000', 'Content-Type': 'application/json' },
    body: JSON.stringify({ prompt, stream: false, ...extra }),
  });
}

describe('simulator: admin and faults', () => {
  let sim: RunningSimulator;

  afterEach(async () => {
    await sim.close();
  });

  it('force429 answers the next N job POSTs with 429 and creates nothing', async () => {
    sim = await start();
    sim.admin.force429(2);
    for (let i = 0; i < 2; i++) {
      const answer = await call(sim, 'POST', `${API}/jobs/imagine`, { prompt: `burst ${i}`, stream: false });
      assert.equal(answer.status, 429);
      assert.equal(ErrorBodySchema.parse(answer.json).code, 429);
    }
    assert.equal((await call(sim, 'GET', `${API}/jobs`)).status, 200, 'GETs are not affected');
    assert.equal((await call(sim, 'POST', `${API}/jobs/imagine`, { prompt: 'third', stream: false })).status, 201);
    assert.equal(sim.admin.counters().acceptedJobs, 1);
  });

  it('set5xxRate fails requests with the chosen status', async () => {
    sim = await start();
    sim.admin.set5xxRate(1, 502);
    const answer = await call(sim, 'GET', `${API}/jobs`);
    assert.equal(answer.status, 502);
    assert.equal(ErrorBodySchema.parse(answer.json).code, 502);
    assert.equal((await call(sim, 'POST', `${API}/jobs/imagine`, { prompt: 'x', stream: false })).status, 502);
    sim.admin.set5xxRate(0);
    assert.equal((await call(sim, 'GET', `${API}/jobs`)).status, 200);
    assert.equal(sim.admin.counters().acceptedJobs, 0);
    assert.throws(() => sim.admin.set5xxRate(2));
  });

  it('resetConnection beforeAccept drops the connection without creating a job', async () => {
    sim = await start();
    sim.admin.resetConnection({ when: 'beforeAccept', count: 1 });
    await assert.rejects(postImagine(sim, 'lost before', { replyRef: 'before-1' }));
    assert.equal(sim.admin.counters().acceptedJobs, 0);
    assert.deepEqual(sim.admin.counters().submissionsByReplyRef, {});
    assert.equal((await postImagine(sim, 'works again')).status, 201);
  });

  it('resetConnection afterAccept creates the job, runs it, but never answers', async () => {
    sim = await start();
    sim.admin.resetConnection({ when: 'afterAccept', count: 1 });
    await assert.rejects(postImagine(sim, 'lost after', { replyRef: 'after-1' }));
    const counters = sim.admin.counters();
    assert.equal(counters.acceptedJobs, 1);
    assert.deepEqual(counters.submissionsByReplyRef, { 'after-1': 1 });
    const listing = (await call(sim, 'GET', `${API}/jobs`)).json as { channels: Record<string, { jobs: { jobId: string }[] }> };
    const [running] = Object.values(listing.channels)[0].jobs;
    const job = await waitFor(sim, running.jobId);
    assert.equal(job.status, 'completed');
    assert.equal(job.request.replyRef, 'after-1');
  });

  it('counts submissions per replyRef and lists duplicates', async () => {
    sim = await start({ maxJobs: 5 });
    await submit(sim, 'imagine', { prompt: 'a', replyRef: 'once' });
    await submit(sim, 'imagine', { prompt: 'b', replyRef: 'twice' });
    await submit(sim, 'imagine', { prompt: 'b', replyRef: 'twice' });
    const counters = sim.admin.counters();
    assert.deepEqual(counters.submissionsByReplyRef, { once: 1, twice: 2 });
    assert.deepEqual(counters.duplicateReplyRefs, ['twice']);
    assert.equal(counters.requests['POST /jobs/imagine'], 3);
    assert.equal(counters.jobsByState.created, 3);
  });

  it('counts requests per endpoint and jobs per state', async () => {
    sim = await start();
    const job = await submit(sim, 'imagine', { prompt: 'counted' });
    await waitFor(sim, job.jobid);
    await call(sim, 'GET', `${API}/accounts`);
    await call(sim, 'DELETE', `${API}/jobs/${job.jobid}`);
    const { requests, jobsByState } = sim.admin.counters();
    assert.equal(requests['POST /jobs/imagine'], 1);
    assert.ok(requests['GET /jobs/{id}'] >= 1);
    assert.equal(requests['GET /accounts'], 1);
    assert.equal(requests['DELETE /jobs/{id}'], 1);
    assert.deepEqual(jobsByState, { completed: 1 });
  });

  it('slowResponses delays the next N requests by the given real milliseconds', async () => {
    const delays: number[] = [];
    const recordingClock: SimClock = {
      now: () => systemClock.now(),
      setTimeout(fn, ms) {
        delays.push(ms);
        return systemClock.setTimeout(fn, ms);
      },
    };
    sim = await start({ clock: recordingClock });
    sim.admin.slowResponses(123, 1);
    assert.equal((await call(sim, 'GET', `${API}/jobs`)).status, 200);
    assert.equal((await call(sim, 'GET', `${API}/jobs`)).status, 200);
    assert.deepEqual(delays.filter((ms) => ms === 123), [123]);
  });

  it('reset forgets jobs, faults and counters and restores the channels', async () => {
    sim = await start();
    const job = await submit(sim, 'imagine', { prompt: 'forget me' });
    sim.admin.force429(5);
    sim.admin.lockChannel(sim.admin.channels()[0]);
    sim.admin.reset();
    assert.equal((await call(sim, 'GET', `${API}/jobs/${job.jobid}`)).status, 404);
    assert.equal((await call(sim, 'POST', `${API}/jobs/imagine`, { prompt: 'fresh', stream: false })).status, 201);
    assert.equal(sim.admin.counters().acceptedJobs, 1);
  });

  it('offers the same controls over HTTP under /__sim/ without auth', async () => {
    sim = await start();
    const admin = async (method: string, route: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
      const response = await fetch(`${sim.url}/__sim/${route}`, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
    };
    assert.equal((await admin('POST', 'force-429', { count: 1 })).status, 204);
    assert.equal((await call(sim, 'POST', `${API}/jobs/imagine`, { prompt: 'x', stream: false })).status, 429);
    const [channel] = (await admin('GET', 'channels')).json as string[];
    assert.equal((await admin('POST', 'lock', { channel })).status, 204);
    assert.equal((await call(sim, 'POST', `${API}/jobs/imagine`, { prompt: 'x', stream: false })).status, 596);
    assert.equal((await admin('POST', 'unlock', { channel })).status, 204);
    assert.equal((await admin('POST', 'payment-required', { required: true })).status, 204);
    assert.equal((await call(sim, 'GET', `${API}/jobs`)).status, 402);
    assert.equal((await admin('POST', 'payment-required', { required: false })).status, 204);
    assert.equal((await admin('POST', 'force-outcome', { match: 'doomed', status: 'failed', error: 'Forced' })).status, 204);
    const doomed = await waitFor(sim, (await submit(sim, 'imagine', { prompt: 'doomed' })).jobid);
    assert.equal(doomed.error, 'Forced');
    assert.equal((await admin('POST', '5xx', { rate: 1, status: 504 })).status, 204);
    assert.equal((await call(sim, 'GET', `${API}/jobs`)).status, 504);
    assert.equal((await admin('POST', '5xx', { rate: 0 })).status, 204);
    assert.equal((await admin('POST', 'slow', { ms: 0 })).status, 204);
    assert.equal((await admin('POST', 'drop-sse', { afterEvents: 2, count: 0 })).status, 204);
    assert.equal((await admin('POST', 'reset-connection', { when: 'beforeAccept', count: 0 })).status, 204);
    assert.equal((await admin('POST', '429-details', { retryAfterSeconds: 3 })).status, 204);
    assert.equal((await admin('POST', 'webhook-envelope', { enabled: false })).status, 204);
    const old = await submit(sim, 'imagine', { prompt: 'old' });
    assert.equal((await admin('POST', 'advance-time', { ms: 63 * 24 * 3600 * 1000 })).status, 204);
    assert.equal((await call(sim, 'GET', `${API}/jobs/${old.jobid}`)).status, 410);
    const counters = (await admin('GET', 'counters')).json as { acceptedJobs: number };
    assert.equal(counters.acceptedJobs, 2);
    const bad = await admin('POST', 'force-429', { count: -1 });
    assert.equal(bad.status, 400);
    assert.match((bad.json as { error: string }).error, /^count: /);
    assert.equal((await admin('POST', 'nope', {})).status, 404);
    assert.equal((await admin('POST', 'reset', {})).status, 204);
    assert.equal(((await admin('GET', 'counters')).json as { acceptedJobs: number }).acceptedJobs, 0);
  });
});
