// The client against the real simulator over HTTP: every error class with its message, stream/JSON
// submissions, multipart uploads, accounts, downloads through the CDN proxy.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../../../src/core/api/client';
import type { ApiClientOptions } from '../../../src/core/api/client';
import {
  BadRequestError,
  BusyError,
  ChannelLockedError,
  ExpiredError,
  NetworkError,
  NotFoundError,
  PaymentRequiredError,
  SchemaMismatchError,
  TimeoutError,
  UnauthorizedError,
  UpstreamError,
} from '../../../src/core/api/errors';
import type { SseEvent } from '../../../src/core/api/schemas';
import { startSimulator } from '../../../src/simulator';
import type { RunningSimulator } from '../../../src/simulator';

const TOKEN = 'user:1234-engineTestToken00000';
const UNKNOWN_JOB = 'j1126010101001123456i-u1234-c1428505517216014800-bot:midjourney';

async function rejectsWith<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T, message: RegExp): Promise<T> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof type, `expected ${type.name}, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    assert.match(error.message, message);
    assert.ok(!error.message.includes('engineTestToken00000'), 'no token in messages');
    return error;
  }
  assert.fail(`expected ${type.name}`);
}

describe('ApiClient against the simulator', function () {
  this.timeout(20_000);
  let sim: RunningSimulator;
  let client: ApiClient;
  const clients: ApiClient[] = [];
  const make = (options: Partial<ApiClientOptions> = {}): ApiClient => {
    const c = new ApiClient({ baseUrl: sim.url, tokens: { getToken: async () => TOKEN }, retries: 2, retryMinTimeoutMs: 5, requestTimeoutMs: 2000, ...options });
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    sim = await startSimulator({ timeScale: 0.01, seed: 3, accounts: 2 });
    client = make();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await sim.close();
  });

  it('submits with stream:false (201 JSON) and with stream:true (events followed by seq)', async () => {
    const job = await client.submitJob({ verb: 'imagine', prompt: 'a json job' }, { replyRef: 'ref-json' });
    assert.equal(job.status, 'created');
    assert.equal(job.request.stream, false, 'stream is sent explicitly');
    assert.equal(job.request.replyRef, 'ref-json');
    const events: SseEvent[] = [];
    const outcome = await client.submitJobStreaming({ verb: 'imagine', prompt: 'a streamed job' }, { replyRef: 'ref-sse', onEvent: (e) => events.push(e) });
    assert.equal(outcome.terminal, true);
    assert.equal(outcome.job?.status, 'completed');
    assert.equal(events[0].event, 'initialized');
    assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i));
    assert.equal(outcome.job?.request.stream, true);
    const fetched = await client.getJob(outcome.jobId!);
    assert.equal(fetched.status, 'completed');
  });

  it('sends settings-type commands with an explicit stream and channel', async () => {
    const [channel] = sim.admin.channels();
    const outcome = await client.submitJobStreaming({ verb: 'fast', channel }, { replyRef: 'ref-fast' });
    assert.equal(outcome.job?.status, 'completed');
    assert.equal(outcome.job?.request.stream, true);
    assert.equal(outcome.job?.response?.settings?.fast, true);
  });

  it('uploads describe and blend images as multipart, checking 10 MB before sending', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mj-client-'));
    try {
      const png = join(dir, 'a.png');
      writeFileSync(png, Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d605ac0000000049454e44ae426082', 'hex'));
      const described = await client.submitJobStreaming({ verb: 'describe', image: { kind: 'file', path: png, name: 'a.png', contentType: 'image/png' } }, { replyRef: 'ref-describe' });
      assert.equal(described.job?.status, 'completed');
      const blended = await client.submitJob({ verb: 'blend', images: [{ kind: 'file', path: png, name: 'a.png', contentType: 'image/png' }, { kind: 'url', url: 'https://example.com/b.png' }], dimensions: 'Square' }, { replyRef: 'ref-blend' });
      assert.equal(blended.verb, 'blend');
      const big = join(dir, 'big.png');
      writeFileSync(big, Buffer.alloc(10 * 1024 * 1024 + 1));
      const before = sim.admin.counters().requests['POST /jobs/describe'] ?? 0;
      await rejectsWith(client.submitJob({ verb: 'describe', image: { kind: 'file', path: big, name: 'big.png', contentType: 'image/png' } }), BadRequestError, /10 MB/);
      assert.equal(sim.admin.counters().requests['POST /jobs/describe'] ?? 0, before, 'nothing was sent');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Unauthorized (401) for a bad token, and for no token at all', async () => {
    await rejectsWith(make({ tokens: { getToken: async () => 'not-a-token' } }).listRunningJobs(), UnauthorizedError, /API token was rejected.*Set API Token/);
    await rejectsWith(make({ tokens: { getToken: async () => undefined } }).listRunningJobs(), UnauthorizedError, /Set API Token/);
  });

  it('PaymentRequired (402)', async () => {
    sim.admin.setPaymentRequired(true);
    await rejectsWith(client.listRunningJobs(), PaymentRequiredError, /subscription.*Renew/);
  });

  it('BadRequest (400) carries the server text', async () => {
    const error = await rejectsWith(client.submitJob({ verb: 'button', parentJobId: UNKNOWN_JOB, button: 'U1' }), BadRequestError, /refused/);
    assert.ok(error.serverMessage && error.message.includes(error.serverMessage));
  });

  it('NotFound (404) for a job and for an account', async () => {
    const job = await rejectsWith(client.getJob(UNKNOWN_JOB), NotFoundError, /does not know this job/);
    assert.equal(job.what, 'job');
    const account = await rejectsWith(client.getAccount('1234567890123456789'), NotFoundError, /Configure Channel/);
    assert.equal(account.what, 'account');
  });

  it('Expired (410) after 62 days', async () => {
    const job = await client.submitJob({ verb: 'imagine', prompt: 'an old job' });
    sim.admin.advanceTime(63 * 24 * 3600 * 1000);
    await rejectsWith(client.getJob(job.jobid), ExpiredError, /62 days/);
  });

  it('Busy (429) is not retried for the engine, and is retried when asked', async () => {
    sim.admin.force429(1);
    await rejectsWith(client.submitJob({ verb: 'imagine', prompt: 'busy' }), BusyError, /busy.*waits in the queue/);
    sim.admin.force429(2);
    const job = await client.submitJob({ verb: 'imagine', prompt: 'busy then fine' }, { retryBusy: true });
    assert.equal(job.status, 'created');
  });

  it('ChannelLocked (596) names the channel', async () => {
    const [channel] = sim.admin.channels();
    sim.admin.lockChannel(channel);
    const error = await rejectsWith(client.submitJob({ verb: 'imagine', prompt: 'locked', channel }), ChannelLockedError, /locked.*Reset Channel/);
    assert.equal(error.channel, channel);
    assert.equal(error.status, 596);
    const accounts = await client.getAccounts();
    assert.ok(accounts[channel].error);
    await client.resetChannel(channel);
    assert.equal((await client.getAccounts())[channel].error, undefined);
  });

  it('Upstream (5xx) after the GET retries are spent; GETs retry transient 5xx', async () => {
    sim.admin.set5xxRate(1, 503);
    await rejectsWith(client.listRunningJobs(), UpstreamError, /HTTP 503/);
    const before = sim.admin.counters().requests['GET /jobs'] ?? 0;
    assert.ok(before >= 3, 'retried');
    sim.admin.set5xxRate(0);
  });

  it('Network: refused is "certainly not sent", a reset after sending is ambiguous', async () => {
    const closed = make({ baseUrl: 'http://127.0.0.1:9' });
    const refused = await rejectsWith(closed.submitJob({ verb: 'imagine', prompt: 'nobody home' }), NetworkError, /Could not reach/);
    assert.equal(refused.certainlyNotSent, true);
    sim.admin.resetConnection({ when: 'afterAccept', count: 1 });
    const reset = await rejectsWith(client.submitJob({ verb: 'imagine', prompt: 'reset' }), NetworkError, /Could not reach/);
    assert.equal(reset.certainlyNotSent, false);
    assert.equal(sim.admin.counters().acceptedJobs, 1, 'a POST is never retried blindly');
  });

  it('Timeout when the service does not answer in time', async () => {
    const impatient = make({ requestTimeoutMs: 300, retries: 0 });
    sim.admin.slowResponses(4000, 1); // undici's timers are coarse (~0.5 s): keep a wide margin
    await rejectsWith(impatient.listRunningJobs(), TimeoutError, /took longer/);
  });

  it('SchemaMismatch names the field', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jobid: 'x', verb: 'imagine', status: 'created', created: 5, request: {} }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const odd = make({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      const error = await rejectsWith(odd.getJob(UNKNOWN_JOB), SchemaMismatchError, /"created"/);
      assert.equal(error.field, 'created');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('lists running jobs with limits, cancels one, reads and configures accounts', async () => {
    const job = await client.submitJob({ verb: 'imagine', prompt: 'to be cancelled' });
    const running = await client.listRunningJobs();
    assert.ok(Object.values(running.channels).some((c) => c.jobs.some((j) => j.jobId === job.jobid)));
    await client.cancelJob(job.jobid);
    const cancelled = await client.getJob(job.jobid);
    assert.equal(cancelled.status, 'failed');
    assert.match(cancelled.error ?? '', /cancelled by user/);
    const account = await client.configureAccount({ discord: 'MTIzNDU2Nzg5MDEyMzQ1Njc4OTA.GhIjKl.abcdefghijklmnopqrstuvwxyz01234567', maxJobs: 5 });
    assert.equal(account.maxJobs, 5);
    assert.ok(!account.discord.includes('abcdefghijklmnop'));
  });

  it('downloads cdn.midjourney.com files through the proxy with the token, refuses other schemes', async () => {
    const outcome = await client.submitJobStreaming({ verb: 'imagine', prompt: 'a downloadable grid' }, {});
    const url = outcome.job?.response?.imageUx?.[0].url ?? '';
    assert.match(url, /^https:\/\/cdn\.midjourney\.com\//);
    const download = await client.download(url);
    let bytes = 0;
    for await (const chunk of download.body as AsyncIterable<Buffer>) bytes += chunk.length;
    assert.ok(bytes > 100);
    assert.ok(Object.keys(sim.admin.counters().requests).some((k) => k.includes('proxy')), 'went through the CDN proxy');
    await rejectsWith(client.download('file:///etc/passwd'), BadRequestError, /file:/);
  });
});
