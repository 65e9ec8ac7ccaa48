// Contract tests over real HTTP: auth (401/402), bodies (JSON, multipart), stream defaults, status codes,
// validation (400), job lookup (404/410), DELETE, and job ids in the real format.
import assert from 'node:assert/strict';
import { JOB_ID_PATTERN } from '../../../src/core/api/schemas';
import type { RunningSimulator } from '../../../src/simulator/index';
import { API, asJob, call, errorOf, getJob, start, stream, submit, TEST_TOKEN, waitFor } from './helpers';

describe('simulator: HTTP contract', () => {
  let sim: RunningSimulator;

  beforeEach(async () => {
    sim = await start();
  });
  afterEach(async () => {
    await sim.close();
  });

  describe('auth', () => {
    it('answers 401 without a token, with a malformed token, and with the wrong scheme', async () => {
      for (const token of [null, 'not-a-token', 'user:abc-def', 'user:12-has space']) {
        const answer = await call(sim, 'GET', `${API}/jobs`, undefined, token);
        assert.equal(answer.status, 401, `token ${String(token)}`);
        assert.deepEqual(answer.json, { error: 'Unauthorized', code: 401 });
      }
      const basic = await fetch(`${sim.url}${API}/accounts`, { headers: { Authorization: `Basic ${TEST_TOKEN}` } });
      assert.equal(basic.status, 401);
    });

    it('accepts any token of the documented format and the demo token', async () => {
      assert.equal((await call(sim, 'GET', `${API}/jobs`)).status, 200);
      assert.equal((await call(sim, 'GET', `${API}/jobs`, undefined, sim.demoToken)).status, 200);
      assert.match(sim.demoToken, /^user:\d+-[A-Za-z0-9]+$/);
    });

    it('accepts only the listed tokens (and the demo token) with acceptedTokens', async () => {
      const strict = await start({ acceptedTokens: ['user:77-simulatorListedToken0000'] });
      try {
        assert.equal((await call(strict, 'GET', `${API}/jobs`, undefined, 'user:77-simulatorListedToken0000')).status, 200);
        assert.equal((await call(strict, 'GET', `${API}/jobs`, undefined, TEST_TOKEN)).status, 401);
        assert.equal((await call(strict, 'GET', `${API}/jobs`, undefined, strict.demoToken)).status, 200);
      } finally {
        await strict.close();
      }
    });

    it('answers 402 when the subscription switch is on', async () => {
      sim.admin.setPaymentRequired(true);
      const answer = await call(sim, 'POST', `${API}/jobs/imagine`, { prompt: 'a cat', stream: false });
      assert.equal(answer.status, 402);
      assert.equal(errorOf(answer), 'Account has no subscription or subscription expired');
      assert.equal((await call(sim, 'GET', `${API}/accounts`)).status, 402);
      sim.admin.setPaymentRequired(false);
      assert.equal((await call(sim, 'GET', `${API}/accounts`)).status, 200);
      assert.equal(sim.admin.counters().acceptedJobs, 0);
    });
  });

  describe('job POSTs', () => {
    it('returns 201 with the initial job for stream:false, echoing the request', async () => {
      const answer = await call(sim, 'POST', `${API}/jobs/imagine`, { prompt: 'a lighthouse --ar 16:9', stream: false, replyRef: 'ref-1' });
      assert.equal(answer.status, 201);
      assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
      const job = asJob(answer.json);
      assert.equal(job.status, 'created');
      assert.equal(job.verb, 'imagine');
      assert.equal(job.jobType, 'image');
      assert.deepEqual(job.request, { prompt: 'a lighthouse --ar 16:9', stream: false, replyRef: 'ref-1' });
      assert.match(job.jobid, JOB_ID_PATTERN);
      assert.match(job.jobid, /^j\d{19}i-u1234-c\d{19}-bot:midjourney$/);
      assert.equal(job.response, undefined);
    });

    it('derives the 19 id digits from the UTC time, before `created`', async () => {
      const job = await submit(sim, 'imagine', { prompt: 'a clock' });
      const created = new Date(job.created);
      const iso = new Date(created.getTime() - 40).toISOString();
      const expected = iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + iso.slice(20, 23);
      assert.equal(job.jobid.slice(1, 14), expected);
    });

    it('streams SSE when stream is omitted, and echoes only what was sent', async () => {
      const result = await stream(sim, 'imagine', { prompt: 'a fox' });
      assert.equal(result.status, 200);
      assert.match(result.contentType ?? '', /^text\/event-stream/);
      const last = result.events.at(-1)!;
      assert.equal(last.event, 'midjourney_completed');
      assert.ok('job' in last);
      assert.deepEqual(last.job.request, { prompt: 'a fox' });
    });

    it('accepts multipart bodies and parses "false" text parts as booleans', async () => {
      const form = new FormData();
      form.set('prompt', 'a multipart heron');
      form.set('stream', 'false');
      form.set('replyRef', 'mp-1');
      const answer = await call(sim, 'POST', `${API}/jobs/imagine`, form);
      assert.equal(answer.status, 201, answer.text);
      const job = asJob(answer.json);
      assert.equal(job.request.stream, false);
      assert.equal(job.request.prompt, 'a multipart heron');
    });

    it('rejects invalid bodies and fields with 400', async () => {
      const cases: [string, unknown, RegExp][] = [
        ['imagine', {}, /prompt is missing/],
        ['imagine', { prompt: '   ' }, /prompt is missing/],
        ['imagine', { prompt: 'x'.repeat(5001) }, /too long \(max 5000\)/],
        ['imagine', { prompt: 'ok', replyUrl: `https://example.invalid/${'x'.repeat(1024)}` }, /replyUrl is too long/],
        ['imagine', { prompt: 'ok', replyRef: 'r'.repeat(1025) }, /replyRef is too long/],
        ['imagine', { prompt: 'ok', channel: '123456789012345678' }, /Channel 123456789012345678 not found/],
        ['imagine', { prompt: 42 }, /prompt must be a string/],
        ['button', { button: 'U1' }, /jobId is missing/],
        ['button', { jobId: 'nonsense', button: 'U1' }, /invalid format/],
        ['button', { jobId: 'j1218072746645060096i-u9753-c100000000000000002-bot:midjourney', button: 'U1' }, /not found/],
        ['seed', {}, /jobId is missing/],
        ['describe', {}, /exactly one of imageUrl or imageBlob/],
        ['describe', { imageUrl: 'ftp://x' }, /http\(s\) URL/],
        ['blend', { imageUrl_1: 'https://example.invalid/a.png' }, /At least 2 images/],
        ['blend', { imageUrl_1: 'https://example.invalid/a.png', imageUrl_3: 'https://example.invalid/c.png' }, /without gaps/],
        ['blend', { imageUrl_1: 'https://example.invalid/a.png', imageUrl_2: 'https://example.invalid/b.png', blendDimensions: 'Round' }, /blendDimensions/],
      ];
      for (const [verb, body, error] of cases) {
        const answer = await call(sim, 'POST', `${API}/jobs/${verb}`, { ...(body as object), stream: false });
        assert.equal(answer.status, 400, `${verb} ${JSON.stringify(body).slice(0, 80)} → ${answer.text}`);
        assert.match(errorOf(answer), error);
      }
      const badStream = await call(sim, 'POST', `${API}/jobs/imagine`, { prompt: 'ok', stream: 'maybe' });
      assert.equal(badStream.status, 400);
      assert.match(errorOf(badStream), /stream/);
      const broken = await fetch(`${sim.url}${API}/jobs/imagine`, { method: 'POST', headers: { Authorization: `Bearer ${TEST_TOKEN}`, 'Content-Type': 'application/json' }, body: '{not json' });
      assert.equal(broken.status, 400);
      assert.equal(sim.admin.counters().acceptedJobs, 0);
    });

    it('answers pre-job errors as plain JSON even when streaming was asked for', async () => {
      const result = await stream(sim, 'imagine', { prompt: '' });
      assert.equal(result.status, 400);
      assert.match(result.contentType ?? '', /^application\/json/);
    });
  });

  describe('GET /jobs/{id}, DELETE, expiry', () => {
    it('accepts raw ":" and %3A in the path', async () => {
      const job = await submit(sim, 'imagine', { prompt: 'a path test' });
      const raw = await call(sim, 'GET', `${API}/jobs/${job.jobid}`);
      const encoded = await call(sim, 'GET', `${API}/jobs/${job.jobid.replace(':', '%3A')}`);
      assert.equal(raw.status, 200);
      assert.equal(encoded.status, 200);
      assert.equal(asJob(encoded.json).jobid, job.jobid);
    });

    it('answers 404 for an unknown job', async () => {
      const answer = await call(sim, 'GET', `${API}/jobs/j1218072746645060096i-u9753-c100000000000000002-bot:midjourney`);
      assert.equal(answer.status, 404);
      assert.deepEqual(answer.json, { error: 'Job not found', code: 404 });
      assert.equal((await call(sim, 'DELETE', `${API}/jobs/j1218072746645060096i-u9753-c100000000000000002-bot:midjourney`)).status, 404);
    });

    it('cancels a running job with DELETE (204), then refuses a second DELETE (400)', async () => {
      const job = await submit(sim, 'imagine', { prompt: 'to be cancelled' });
      const answer = await call(sim, 'DELETE', `${API}/jobs/${job.jobid}`);
      assert.equal(answer.status, 204);
      assert.equal(answer.text, '');
      const cancelled = await getJob(sim, job.jobid);
      assert.equal(cancelled.status, 'failed');
      assert.equal(cancelled.error, 'Job cancelled by user');
      assert.equal(cancelled.code, 499);
      const again = await call(sim, 'DELETE', `${API}/jobs/${job.jobid}`);
      assert.equal(again.status, 400);
      assert.equal(errorOf(again), 'Job is not running');
    });

    it('answers 410 after 62 days of simulated time', async () => {
      const job = await submit(sim, 'imagine', { prompt: 'an old job' });
      await waitFor(sim, job.jobid);
      sim.admin.advanceTime(61 * 24 * 3600 * 1000);
      assert.equal((await call(sim, 'GET', `${API}/jobs/${job.jobid}`)).status, 200);
      sim.admin.advanceTime(2 * 24 * 3600 * 1000);
      const expired = await call(sim, 'GET', `${API}/jobs/${job.jobid}`);
      assert.equal(expired.status, 410);
      assert.equal(errorOf(expired), `Job ${job.jobid} has expired`);
      assert.equal((await call(sim, 'DELETE', `${API}/jobs/${job.jobid}`)).status, 410);
    });

    it('answers 404 JSON for unknown routes', async () => {
      const answer = await call(sim, 'GET', `${API}/nothing-here`);
      assert.equal(answer.status, 404);
      assert.match(errorOf(answer), /Not found/);
    });
  });
});
