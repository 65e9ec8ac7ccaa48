// Shared helpers for the simulator contract tests: a client over real HTTP on loopback that checks every
// job body it sees against the shared JobSchema, and an SSE reader that checks the framing.
import assert from 'node:assert/strict';
import { JobSchema, SseEventSchema, describeZodError, type Job, type SseEvent } from '../../../src/core/api/schemas';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/simulator/index';

export const TEST_TOKEN = 'user:1234-simulatorTestToken0000';
export const API = '/v3/midjourney';

export async function start(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ timeScale: 0.01, seed: 42, ...options });
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** One request with the test token (unless `token` is null). */
export async function call(sim: RunningSimulator, method: string, path: string, body?: unknown, token: string | null = TEST_TOKEN): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  let payload: string | FormData | undefined;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(`${sim.url}${path}`, { method, headers, body: payload });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Parse with JobSchema, failing the test with the field path on a mismatch. */
export function asJob(value: unknown): Job {
  const result = JobSchema.safeParse(value);
  if (!result.success) assert.fail(`job does not match JobSchema: ${describeZodError(result.error)}`);
  return result.data;
}

export function errorOf(answer: Answer): string {
  const body = answer.json as { error?: unknown } | undefined;
  assert.equal(typeof body?.error, 'string', `expected an error body, got ${answer.text}`);
  return body!.error as string;
}

/** POST a job with stream:false; expects 201 (or `expected`) and returns the job. */
export async function submit(sim: RunningSimulator, verb: string, body: Record<string, unknown>, expected = 201): Promise<Job> {
  const answer = await call(sim, 'POST', `${API}/jobs/${verb}`, { ...body, stream: false });
  assert.equal(answer.status, expected, `POST /jobs/${verb}: ${answer.text}`);
  return asJob(answer.json);
}

export async function getJob(sim: RunningSimulator, jobid: string): Promise<Job> {
  const answer = await call(sim, 'GET', `${API}/jobs/${jobid}`);
  assert.equal(answer.status, 200, answer.text);
  return asJob(answer.json);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll until the job reaches one of `statuses` (bounded; fails with the last state seen). */
export async function waitFor(sim: RunningSimulator, jobid: string, statuses: readonly string[] = ['completed', 'failed', 'moderated'], limitMs = 15_000): Promise<Job> {
  const deadline = Date.now() + limitMs;
  let job = await getJob(sim, jobid);
  while (!statuses.includes(job.status)) {
    if (Date.now() > deadline) assert.fail(`job ${jobid} stayed ${job.status}, expected ${statuses.join('/')}`);
    await sleep(10);
    job = await getJob(sim, jobid);
  }
  return job;
}

export async function imagine(sim: RunningSimulator, prompt: string, extra: Record<string, unknown> = {}): Promise<Job> {
  const created = await submit(sim, 'imagine', { prompt, ...extra });
  return waitFor(sim, created.jobid);
}

export async function pressButton(sim: RunningSimulator, jobId: string, button: string, extra: Record<string, unknown> = {}): Promise<Job> {
  const created = await submit(sim, 'button', { jobId, button, ...extra });
  return waitFor(sim, created.jobid);
}

export interface SseResult {
  status: number;
  contentType: string | null;
  events: SseEvent[];
  /** True when the server closed the stream (as opposed to our reader stopping early). */
  closedByServer: boolean;
}

/**
 * POST a job without `stream:false` and read the event stream, checking the framing of every message:
 * exactly one `data: {json}` line followed by a blank line, `seq` 0,1,2,… and a schema-valid payload.
 * `stopAfter` disconnects after that many messages.
 */
export async function stream(sim: RunningSimulator, verb: string, body: Record<string, unknown> | FormData, stopAfter?: number): Promise<SseResult> {
  const controller = new AbortController();
  const headers: Record<string, string> = { Authorization: `Bearer ${TEST_TOKEN}` };
  if (!(body instanceof FormData)) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${sim.url}${API}/jobs/${verb}`, {
    method: 'POST',
    headers,
    body: body instanceof FormData ? body : JSON.stringify(body),
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  const result: SseResult = { status: response.status, contentType: response.headers.get('content-type'), events, closedByServer: false };
  if (!result.contentType?.startsWith('text/event-stream') || !response.body) return result;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = (await reader.read()) as { value?: Uint8Array; done: boolean };
      if (done) {
        result.closedByServer = true;
        break;
      }
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = message.split('\n');
        assert.equal(lines.length, 1, `one line per message: ${JSON.stringify(message)}`);
        assert.ok(lines[0].startsWith('data: '), `data: line expected: ${lines[0]}`);
        const parsed = SseEventSchema.safeParse(JSON.parse(lines[0].slice('data: '.length)));
        if (!parsed.success) assert.fail(`SSE payload does not match SseEventSchema: ${describeZodError(parsed.error)}`);
        assert.equal(parsed.data.seq, events.length, 'seq counts from 0 by 1');
        events.push(parsed.data);
      }
      if (stopAfter !== undefined && events.length >= stopAfter) {
        controller.abort();
        break;
      }
    }
  } catch (error) {
    // A server-side cut (the dropSse fault) surfaces as a terminated fetch body.
    if (!controller.signal.aborted) result.closedByServer = true;
    if (!(error instanceof Error)) throw error;
  }
  assert.equal(buffer.trim(), '', 'no partial message left');
  return result;
}

/** Job of an SSE job event. */
export function jobOf(event: SseEvent): Job {
  if (event.event === 'initialized' || event.event === 'error') assert.fail(`event ${event.event} has no job`);
  return event.job;
}

export { sleep };
