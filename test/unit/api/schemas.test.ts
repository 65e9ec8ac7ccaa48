// The shared zod schemas accept every real record in the fixtures, reject records missing a required
// field (naming it), and let unknown fields through.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  AccountSchema,
  AccountsMapSchema,
  describeZodError,
  ErrorBodySchema,
  JobSchema,
  parseOrThrow,
  RunningJobsSchema,
  SseEventSchema,
} from '../../../src/core/api/schemas';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const fixturesDir = path.resolve(repoRoot, '..', 'shared', 'useapi-v3', 'fixtures');

function loadFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(fixturesDir, name), 'utf8')) as Record<string, unknown>;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

describe('api schemas', () => {
  const fixtureFiles = readdirSync(fixturesDir).filter((f) => f.endsWith('.json'));

  it('finds the fixture files', () => {
    assert.ok(fixtureFiles.length >= 3, `expected fixtures in ${fixturesDir}`);
  });

  for (const file of readdirSync(fixturesDir).filter((f) => f.endsWith('.json'))) {
    it(`parses fixture ${file} with JobSchema`, () => {
      const job = parseOrThrow(JobSchema, loadFixture(file), file);
      assert.match(job.jobid, /-bot:midjourney$/);
      assert.ok(job.response);
    });
  }

  it('parses the predecessor artifact with an unknown verb', () => {
    const job = JSON.parse(readFileSync(path.join(fixturesDir, 'predecessor-app-artifacts', 'video-verb-moderated-422.json'), 'utf8')) as unknown;
    assert.equal(JobSchema.parse(job).verb, 'video');
  });

  it('keeps the useapi additions of a completed grid typed', () => {
    const job = JobSchema.parse(loadFixture('imagine-completed.json'));
    assert.deepEqual(job.response?.buttons, ['U1', 'U2', 'U3', 'U4', '🔄', 'V1', 'V2', 'V3', 'V4']);
    assert.equal(job.response?.imageUx?.length, 4);
    assert.equal(job.response?.attachments[0].width, 2912);
  });

  it('rejects a job without jobid and names the field', () => {
    const job = loadFixture('imagine-completed.json');
    delete job.jobid;
    const result = JobSchema.safeParse(job);
    assert.equal(result.success, false);
    assert.match(describeZodError(result.error), /^jobid: /);
  });

  it('rejects a nested missing field and names its full path', () => {
    const job = loadFixture('imagine-completed.json');
    const response = job.response as Record<string, unknown>;
    delete response.attachments;
    assert.throws(() => parseOrThrow(JobSchema, job, 'GET /jobs/x'), /GET \/jobs\/x: response\.attachments: /);

    const job2 = loadFixture('imagine-completed.json');
    const attachment = (job2.response as { attachments: Record<string, unknown>[] }).attachments[0];
    delete attachment.url;
    assert.throws(() => parseOrThrow(JobSchema, job2, 'job'), /response\.attachments\[0\]\.url/);
  });

  it('rejects an unknown status', () => {
    const job = loadFixture('imagine-completed.json');
    job.status = 'exploded';
    assert.throws(() => parseOrThrow(JobSchema, job, 'job'), /status/);
  });

  it('lets unknown fields through and keeps them', () => {
    const job = clone(loadFixture('imagine-completed.json'));
    job.somethingNew = { nested: true };
    (job.response as Record<string, unknown>).brandNew = 42;
    const parsed = JobSchema.parse(job) as Record<string, unknown>;
    assert.deepEqual(parsed.somethingNew, { nested: true });
    assert.equal((parsed.response as Record<string, unknown>).brandNew, 42);
  });

  it('parses the SSE payloads', () => {
    const init = SseEventSchema.parse({ event: 'initialized', message: 'Stream initialized', jobId: 'j1', seq: 0, ts: '22:41:58.458' });
    assert.equal(init.event, 'initialized');
    const completed = SseEventSchema.parse({ event: 'midjourney_completed', job: loadFixture('imagine-completed.json'), seq: 8, ts: '22:42:25.001' });
    assert.equal(completed.event === 'midjourney_completed' && completed.job.status, 'completed');
    const error = SseEventSchema.parse({ event: 'error', error: 'boom', seq: 3, ts: '22:42:00.000' });
    assert.equal(error.event, 'error');
    const bad = SseEventSchema.safeParse({ event: 'midjourney_progress', seq: 2, ts: '22:42:00.000' });
    assert.equal(bad.success, false);
    assert.match(describeZodError(bad.error), /^job: /);
    assert.equal(SseEventSchema.safeParse({ event: 'midjourney_exploded', job: {}, seq: 1, ts: 'x' }).success, false);
  });

  it('parses accounts, the account map, the running listing and error bodies', () => {
    const account = { discord: 'MTI...xyz', channel: '100000000000000002', maxJobs: 3, maxImageJobs: 3, maxVideoJobs: 3 };
    assert.equal(AccountSchema.parse(account).channel, '100000000000000002');
    const locked = AccountsMapSchema.parse({ '100000000000000002': { ...account, error: 'Pending mod message' } });
    assert.equal(locked['100000000000000002'].error, 'Pending mod message');
    const missing: Record<string, unknown> = { ...account };
    delete missing.maxJobs;
    const badMap = AccountsMapSchema.safeParse({ '100000000000000002': missing });
    assert.match(describeZodError(badMap.error!), /100000000000000002\.maxJobs/);

    const running = RunningJobsSchema.parse({
      total: 1, images: 1, videos: 0,
      channels: {
        '100000000000000002': {
          total: 1, images: 1, videos: 0, maxJobs: 3, maxImageJobs: 3, maxVideoJobs: 3,
          jobs: [{ jobId: 'j1218072746645060096i-u9753-c100000000000000002-bot:midjourney', channel: '100000000000000002', jobType: 'image', created: '2025-12-18T07:27:46.688Z', elapsed: '00:12' }],
        },
      },
    });
    assert.equal(running.channels['100000000000000002'].jobs[0].elapsed, '00:12');

    const busy = ErrorBodySchema.parse({ error: 'All channels are busy, retry later', code: 429, retry_after: 5 });
    assert.equal(busy.retry_after, 5);
    assert.equal(ErrorBodySchema.safeParse({ code: 401 }).success, false);
  });
});

describe('api schemas against the simulator', () => {
  // Every body the simulator emits, for every job kind, must parse with the schemas the client uses.
  it('parses every job, SSE payload, account map, listing and error body the simulator emits', async function () {
    this.timeout(30_000);
    const { startSimulator } = await import('../../../src/simulator/index');
    const sim = await startSimulator({ timeScale: 0.005, seed: 5, maxJobs: 10 });
    const headers = { Authorization: 'Bearer user:1234-simulatorTestToken0000', 'Content-Type': 'application/json' };
    const seen = { jobs: 0, events: 0 };
    const post = async (verb: string, body: Record<string, unknown>): Promise<string> => {
      const response = await fetch(`${sim.url}/v3/midjourney/jobs/${verb}`, { method: 'POST', headers, body: JSON.stringify(body) });
      assert.equal(response.status, 200, `${verb}: ${response.status}`);
      let jobid = '';
      for (const block of (await response.text()).split('\n\n').filter((b) => b !== '')) {
        const event = parseOrThrow(SseEventSchema, JSON.parse(block.slice('data: '.length)), `SSE ${verb}`);
        seen.events++;
        if (event.event !== 'initialized' && event.event !== 'error') {
          jobid = event.job.jobid;
          seen.jobs++;
        }
      }
      const final = await fetch(`${sim.url}/v3/midjourney/jobs/${jobid}`, { headers });
      parseOrThrow(JobSchema, await final.json(), `GET ${verb} job`);
      return jobid;
    };
    try {
      const grid = await post('imagine', { prompt: 'schema check --ar 16:9' });
      await post('imagine', { prompt: 'no start frame --video' });
      await post('imagine', { prompt: 'moderated [[moderate]]' });
      await post('imagine', { prompt: 'failed [[fail]]' });
      const video = await post('imagine', { prompt: 'https://example.invalid/f.png drifting --video' });
      const single = await post('button', { jobId: grid, button: 'U1' });
      await post('button', { jobId: grid, button: 'V2' });
      await post('button', { jobId: single, button: 'Upscale (Subtle)' });
      await post('button', { jobId: single, button: 'Animate (Low motion)' });
      const videoSingle = await post('button', { jobId: video, button: 'U2' });
      await post('button', { jobId: videoSingle, button: 'Extend (High motion)' });
      await post('seed', { jobId: grid });
      await post('describe', { imageUrl: 'https://example.invalid/photo.png' });
      await post('blend', { imageUrl_1: 'https://example.invalid/a.png', imageUrl_2: 'https://example.invalid/b.png' });
      for (const verb of ['settings', 'info', 'fast', 'relax', 'turbo', 'variability', 'remix']) await post(verb, {});
      assert.ok(seen.jobs > 40, `saw ${seen.jobs} jobs`);

      const accounts = await fetch(`${sim.url}/v3/midjourney/accounts`, { headers });
      parseOrThrow(AccountsMapSchema, await accounts.json(), 'GET /accounts');
      const running = await fetch(`${sim.url}/v3/midjourney/jobs`, { headers });
      parseOrThrow(RunningJobsSchema, await running.json(), 'GET /jobs');
      const errors = [
        await fetch(`${sim.url}/v3/midjourney/jobs`, {}),
        await fetch(`${sim.url}/v3/midjourney/jobs/imagine`, { method: 'POST', headers, body: '{}' }),
        await fetch(`${sim.url}/v3/midjourney/jobs/j1218072746645060096i-u9753-c100000000000000002-bot:midjourney`, { headers }),
      ];
      sim.admin.force429(1);
      errors.push(await fetch(`${sim.url}/v3/midjourney/jobs/imagine`, { method: 'POST', headers, body: JSON.stringify({ prompt: 'x' }) }));
      sim.admin.lockChannel(sim.admin.channels()[0]);
      errors.push(await fetch(`${sim.url}/v3/midjourney/jobs/imagine`, { method: 'POST', headers, body: JSON.stringify({ prompt: 'x' }) }));
      assert.deepEqual(errors.map((e) => e.status), [401, 400, 404, 429, 596]);
      for (const error of errors) parseOrThrow(ErrorBodySchema, await error.json(), `error ${error.status}`);
    } finally {
      await sim.close();
    }
  });
});
