// Webhooks (CONTRACT.md §7, §14 #25, §15 #10): every event's job POSTed to replyUrl (job-level, else the
// channel default), `replyLevel: final` sends only the terminal one, optional {event, job} envelope.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JobSchema, type Job } from '../../../src/core/api/schemas';
import type { RunningSimulator } from '../../../src/simulator/index';
import { API, call, sleep, start, submit, waitFor } from './helpers';

interface Receiver {
  url: string;
  bodies: unknown[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const bodies: unknown[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await sleep(10);
  assert.ok(check(), 'webhook deliveries did not arrive');
}

describe('simulator: webhooks', () => {
  let sim: RunningSimulator;
  let receiver: Receiver;

  beforeEach(async () => {
    sim = await start();
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  it('POSTs every state of the job to its replyUrl as a bare job', async () => {
    const job = await submit(sim, 'imagine', { prompt: 'hooked', replyUrl: receiver.url, replyRef: 'hook-1' });
    await waitFor(sim, job.jobid);
    const terminal = (): boolean => receiver.bodies.some((b) => (b as Job).status === 'completed');
    await until(terminal);
    const jobs = receiver.bodies.map((b) => JobSchema.parse(b));
    assert.ok(jobs.some((j) => j.status === 'created'));
    assert.ok(jobs.some((j) => j.status === 'progress'));
    for (const j of jobs) {
      assert.equal(j.jobid, job.jobid);
      assert.equal(j.request.replyRef, 'hook-1');
    }
    assert.equal(jobs.find((j) => j.status === 'completed')!.response!.replyRef, 'hook-1');
  });

  it('sends only the terminal state with replyLevel final, and uses the channel default replyUrl', async () => {
    const account = await call(sim, 'POST', `${API}/accounts`, { discord: 'SIMHOOK.fake-discord-token-for-webhook-tests.000000000000abc', replyUrl: receiver.url });
    const channel = (account.json as { channel: string }).channel;
    const job = await submit(sim, 'imagine', { prompt: 'final only', channel, replyLevel: 'final' });
    await waitFor(sim, job.jobid);
    await until(() => receiver.bodies.length >= 1);
    await sleep(50);
    assert.deepEqual(receiver.bodies.map((b) => JobSchema.parse(b).status), ['completed']);
  });

  it('wraps deliveries in {event, job, seq, ts} in envelope mode', async () => {
    sim.admin.setWebhookEnvelope(true);
    const job = await submit(sim, 'fast', { replyUrl: receiver.url });
    await waitFor(sim, job.jobid);
    const completed = (): { event: string; job: unknown; seq: number } | undefined =>
      receiver.bodies.find((b) => (b as { event?: string }).event === 'midjourney_completed') as { event: string; job: unknown; seq: number } | undefined;
    await until(() => completed() !== undefined);
    const envelope = completed()!;
    assert.equal(envelope.event, 'midjourney_completed');
    assert.equal(JobSchema.parse(envelope.job).jobid, job.jobid);
    assert.equal(envelope.seq, 2);
  });
});
