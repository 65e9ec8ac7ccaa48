// A tiny hostile server on 127.0.0.1 answering with bodies that are not JSON or break the schema. The
// client reports a SchemaMismatchError naming the field; the engine never loses such a job silently and
// never resends a POST whose (unreadable) answer may mean it was accepted.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient } from '../../../src/core/api/client';
import { SchemaMismatchError } from '../../../src/core/api/errors';
import { createJobEngine } from '../../../src/core/jobs/engine';
import type { JobEngine, JobEngineOptions } from '../../../src/core/jobs/engine';
import { MemoryKeyValueStore, RecordingLogger, TEST_TOKEN, scaledOptions } from '../jobs/helpers';

const JOB_ID = 'j1126010101001123456i-u1234-c1428505517216014800-bot:midjourney';
const EMPTY_LIST = { total: 0, images: 0, videos: 0, channels: {} };

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface Hostile {
  url: string;
  /** Requests seen, as `METHOD /path`. */
  seen: string[];
  close(): Promise<void>;
}

async function hostile(handler: Handler): Promise<Hostile> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      seen.push(`${req.method ?? 'GET'} ${path}`);
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** Answers GET /accounts (404, none configured) and GET /jobs (nothing running); `rest` gets the others. */
function service(rest: Handler): Handler {
  return (req, res, body) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/v3/midjourney/accounts') return void res.writeHead(404).end();
    if (req.method === 'GET' && path === '/v3/midjourney/jobs') return json(res, 200, EMPTY_LIST);
    rest(req, res, body);
  };
}

describe('hostile server answers', function () {
  this.timeout(20_000);
  let server: Hostile | undefined;
  const engines: JobEngine[] = [];
  const clients: ApiClient[] = [];
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.dispose();
    for (const c of clients.splice(0)) await c.close();
    await server?.close();
    server = undefined;
  });

  function client(url: string): ApiClient {
    const c = new ApiClient({ baseUrl: url, tokens: { getToken: async () => TEST_TOKEN }, retries: 0, requestTimeoutMs: 2000 });
    clients.push(c);
    return c;
  }

  async function engine(url: string, options: JobEngineOptions = {}): Promise<{ engine: JobEngine; logger: RecordingLogger }> {
    const logger = new RecordingLogger();
    const e = createJobEngine({ apiBaseUrl: url, tokens: { getToken: async () => TEST_TOKEN }, kv: new MemoryKeyValueStore(), logger, options: { ...scaledOptions(), retries: 0, ...options } });
    engines.push(e);
    await e.start();
    return { engine: e, logger };
  }

  async function mismatch(promise: Promise<unknown>, field: string): Promise<void> {
    await assert.rejects(promise, (error: unknown) => {
      assert.ok(error instanceof SchemaMismatchError, `expected SchemaMismatchError, got ${String(error)}`);
      assert.equal(error.field, field);
      assert.ok(error.message.includes(`field "${field}"`), error.message);
      assert.match(error.message, /Update Midjourney Studio or report this/);
      return true;
    });
  }

  it('names the field that broke: not JSON, wrong types, missing fields, nested lists', async () => {
    const bodies: Record<string, string> = {
      [`/v3/midjourney/jobs/${JOB_ID}`]: '<html>502 Bad Gateway</html>',
      '/v3/midjourney/jobs': JSON.stringify({ total: 1, images: 0, videos: 0, channels: { c: { total: 1, images: 1, videos: 0, maxJobs: 3, maxImageJobs: 3, maxVideoJobs: 3, jobs: [{ jobId: 42 }] } } }),
      '/v3/midjourney/accounts': JSON.stringify({ '123': { channel: '123', maxJobs: 'three' } }),
    };
    server = await hostile((req, res) => json(res, 200, bodies[(req.url ?? '').split('?')[0]] ?? '{}'));
    const c = client(server.url);
    await mismatch(c.getJob(JOB_ID), '(root)');
    await mismatch(c.listRunningJobs(), 'channels.c.jobs[0].jobId');
    await assert.rejects(c.getAccounts(), (e: unknown) => e instanceof SchemaMismatchError && /^123\./.test(e.field));
    server.seen.length = 0;
    bodies[`/v3/midjourney/jobs/${JOB_ID}`] = JSON.stringify({ jobid: JOB_ID, verb: 'imagine', status: 'exploded', created: 'x', request: {} });
    await mismatch(c.getJob(JOB_ID), 'status');
    bodies[`/v3/midjourney/jobs/${JOB_ID}`] = JSON.stringify({ jobid: JOB_ID, verb: 'imagine', status: 'completed', created: 'x' });
    await mismatch(c.getJob(JOB_ID), 'request');
  });

  it('an unreadable 201 to a job POST: reconciled, then reported lost naming the field, never resent', async () => {
    server = await hostile(service((req, res) => {
      if (req.method === 'POST') return json(res, 201, { jobid: 5, status: 'created' });
      json(res, 404, { error: 'Job not found' });
    }));
    const { engine: e } = await engine(server.url, { useSse: false });
    const job = await e.waitFor((await e.submit({ verb: 'imagine', prompt: 'a hostile answer' })).id);
    assert.equal(job.state, 'lost');
    assert.match(job.reason ?? '', /unexpected job: field "jobid"/);
    assert.match(job.reason ?? '', /may have been accepted; it is not sent again/);
    assert.equal(server.seen.filter((s) => s.startsWith('POST ')).length, 1, 'the POST was sent once');
    assert.ok(server.seen.includes('GET /v3/midjourney/jobs'), 'it looked for the job before deciding');
  });

  it('an event stream whose events break the schema: reported lost naming the field, never resent', async () => {
    server = await hostile(service((req, res) => {
      if (req.method !== 'POST') return json(res, 404, { error: 'Job not found' });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"event":"initialized","seq":"zero"}\n\n');
      res.write('data: not json at all\n\n');
      res.end('data: {"event":"midjourney_created","job":{"jobid":7},"seq":1}\n\n');
    }));
    const { engine: e, logger } = await engine(server.url, { useSse: true });
    const job = await e.waitFor((await e.submit({ verb: 'imagine', prompt: 'a hostile stream' })).id);
    assert.equal(job.state, 'lost');
    assert.match(job.reason ?? '', /unexpected event: field "[^"]+"/);
    assert.equal(server.seen.filter((s) => s.startsWith('POST ')).length, 1);
    assert.ok(logger.lines.some((l) => /ignored an (unexpected event|event that is not JSON)/.test(l)), 'the skipped events are logged');
  });

  it('polls that keep answering garbage: the job ends lost at its deadline, and the reason names the field', async () => {
    let n = 0;
    server = await hostile(service((req, res) => {
      if (req.method === 'POST') return json(res, 201, { jobid: JOB_ID, verb: 'imagine', status: 'created', created: new Date().toISOString(), request: { prompt: 'x', stream: false } });
      n++;
      json(res, 200, { jobid: JOB_ID, verb: 'imagine', status: 'progress', created: 'x', request: {}, response: { progress_percent: 'half' } });
    }));
    const { engine: e } = await engine(server.url, { useSse: false, deadlineMs: 1500 });
    const job = await e.waitFor((await e.submit({ verb: 'imagine', prompt: 'a job polled into garbage' })).id);
    assert.equal(job.state, 'lost');
    assert.match(job.reason ?? '', /No result within/);
    assert.match(job.reasonDetails ?? '', /unexpected job: field "response\.[a-z_]+"/);
    assert.ok(n >= 2, 'it kept polling until the deadline');
    assert.equal(server.seen.filter((s) => s.startsWith('POST ')).length, 1);
  });
});

describe('hostile server sizes', function () {
  this.timeout(20_000);
  let server: Hostile | undefined;
  let c: ApiClient | undefined;
  afterEach(async () => {
    await c?.close();
    await server?.close();
    server = undefined;
  });

  /** Streams `total` bytes of `fill` after `head`, stopping early when the client goes away. */
  function flood(res: ServerResponse, head: string, fill: string, total: number, type: string, status = 200): void {
    res.writeHead(status, { 'content-type': type });
    res.write(head);
    const chunk = fill.repeat(Math.ceil(65536 / fill.length));
    let sent = 0;
    let closed = false;
    res.on('close', () => (closed = true));
    const pump = (): void => {
      while (!closed && sent < total) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  }

  it('a JSON answer, an error answer or an event larger than the caps is cut off with a clear error', async () => {
    let sentBytes = 0;
    server = await hostile((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      res.on('finish', () => (sentBytes += 1));
      if (path.endsWith('/jobs')) return flood(res, '{"total":0,"images":0,"videos":0,"channels":{},"pad":"', 'x', 64 * 1024 * 1024, 'application/json');
      if (path.endsWith('/accounts')) return flood(res, '{"error":"', 'y', 64 * 1024 * 1024, 'application/json', 500);
      flood(res, 'data: {"event":"initialized","jobId":"', 'z', 64 * 1024 * 1024, 'text/event-stream');
    });
    c = new ApiClient({ baseUrl: server.url, tokens: { getToken: async () => TEST_TOKEN }, retries: 0, requestTimeoutMs: 5000 });
    const heapBefore = process.memoryUsage().heapUsed;
    await assert.rejects(c.listRunningJobs(), (e: unknown) => e instanceof SchemaMismatchError && /larger than 8 MB/.test(e.message));
    await assert.rejects(c.getAccounts(), (e: unknown) => e instanceof Error && /HTTP 500/.test(e.message) && e.message.length < 1000);
    await assert.rejects(c.submitJobStreaming({ verb: 'imagine', prompt: 'a flood' }, {}), (e: unknown) => e instanceof Error && e.name === 'NetworkError');
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 80 * 1024 * 1024, 'the floods were not buffered whole');
    assert.equal(sentBytes, 0, 'no flood was sent to its end: the client hung up');
  });
});

describe('hostile ids', () => {
  it('ids that would change the path are refused before any request', async () => {
    const seen: string[] = [];
    const server = await hostile((req, res) => {
      seen.push(req.url ?? '');
      json(res, 404, { error: 'Job not found' });
    });
    const c = new ApiClient({ baseUrl: server.url, tokens: { getToken: async () => TEST_TOKEN }, retries: 0 });
    try {
      for (const id of ['..', '.', '../accounts', 'a/b', 'a?b=1', 'a#b', '%2e%2e', '', 'x'.repeat(201), 'j1\u0000', 'j1 x']) {
        await assert.rejects(c.getJob(id), /is not a valid id/, JSON.stringify(id));
        await assert.rejects(c.cancelJob(id), /is not a valid id/, JSON.stringify(id));
        await assert.rejects(c.resetChannel(id), /is not a valid id/, JSON.stringify(id));
      }
      assert.deepEqual(seen, []);
    } finally {
      await c.close();
      await server.close();
    }
  });
});

describe('the simulator admin interface from a web page', () => {
  it('refuses the POSTs a browser sends without a preflight (text, form, no body); JSON still works', async () => {
    const { startSimulator } = await import('../../../src/simulator');
    const sim = await startSimulator({ timeScale: 0.01 });
    try {
      for (const [headers, body] of [
        [{ 'content-type': 'text/plain' }, '{"count":5}'],
        [{ 'content-type': 'application/x-www-form-urlencoded' }, 'count=5'],
        [{}, undefined],
      ] as const) {
        const response = await fetch(`${sim.url}/__sim/force-429`, { method: 'POST', headers, body });
        assert.equal(response.status, 415);
        assert.match(await response.text(), /need Content-Type: application\/json/);
      }
      assert.equal((await fetch(`${sim.url}/__sim/reset`, { method: 'POST' })).status, 415);
      const json = await fetch(`${sim.url}/__sim/force-429`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"count":1}' });
      assert.equal(json.status, 204);
      assert.equal(sim.admin.counters().faultsInjected.force429 ?? 0, 0);
    } finally {
      await sim.close();
    }
  });
});
