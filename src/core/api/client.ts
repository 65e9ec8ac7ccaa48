// The useapi.net Midjourney v3 client (CONTRACT.md): undici with a keep-alive pool, an AbortSignal on
// every call, zod-parsed responses, `stream` always explicit, JSON and multipart bodies, typed errors,
// and retries only where they are safe (DESIGN.md rule 5).
import { stat, readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import pRetry from 'p-retry';
import { Agent, FormData, request as undiciRequest } from 'undici';
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import type { AccountInput } from '../jobs/api';
import type { JobRequest } from '../jobs/model';
import type { Logger, TokenSource } from '../ports';
import { silentLogger } from '../ports';
import { redactSecrets } from '../redact';
import {
  AccountSchema,
  AccountsMapSchema,
  JobSchema,
  RunningJobsSchema,
  SseEventSchema,
  TERMINAL_API_STATUSES,
  formatIssuePath,
} from './schemas';
import type { Account, AccountsMap, Job, RunningJobs, SseEvent } from './schemas';
import {
  BadRequestError,
  BusyError,
  NetworkError,
  SchemaMismatchError,
  TimeoutError,
  UnauthorizedError,
  UpstreamError,
  errorFromResponse,
  fromTransportError,
  isAbortError,
} from './errors';
import type { ErrorContext } from './errors';
import { SeqTracker, sseDataMessages } from './sse';

/** 10 MB per image (CONTRACT.md §12), checked before anything is sent. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const MAX_PROMPT_LENGTH = 5000;
/** Largest JSON answer read (a job with its whole Discord message is ~20 KB): a hostile server cannot fill the memory. */
const MAX_JSON_BYTES = 8 * 1024 * 1024;
/** Error answers are shown in one line; more than this is not read. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** `cdn.midjourney.com` is only reached through the useapi CDN proxy (CONTRACT.md §10). */
const MIDJOURNEY_CDN_ORIGIN = 'https://cdn.midjourney.com';
/** Discord attachment links (the grid, §3.6): fetched directly, https only, never with the token. */
const DISCORD_CDN_ORIGINS = new Set(['https://cdn.discordapp.com', 'https://media.discordapp.net']);
/** Job and channel ids as they go into a path: no `/`, and never only dots (`..` would climb the path). */
const SAFE_ID = /^(?!\.+$)[A-Za-z0-9:_.-]{1,200}$/;

export interface ApiClientOptions {
  /** Server origin such as `https://api.useapi.net` (paths are appended). A function is read per call. */
  baseUrl: string | (() => string);
  tokens: TokenSource;
  logger?: Logger;
  /** Time to wait for response headers, and between body chunks of a JSON answer. Default 30 s. */
  requestTimeoutMs?: number;
  /** Longest silence inside an event stream before it counts as dropped. Default 120 s. */
  streamIdleTimeoutMs?: number;
  /** Retries for safe requests (GETs on network errors/5xx, POSTs never sent). Default 3. */
  retries?: number;
  /** First retry delay; doubles up to 10 s. Default 500 ms. */
  retryMinTimeoutMs?: number;
  /** Extra strings to mask in anything the client logs or puts into an error. */
  knownSecrets?: Iterable<string>;
  /** Keep-alive connections per origin. Default 16. */
  connections?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface SubmitCallOptions extends CallOptions {
  /** Correlation value echoed in the job's `request`; the engine uses the local job id. */
  replyRef?: string;
  /** Channel to pin the job to (ignored for button/seed, which run on the parent's channel). */
  channel?: string;
  /** Also retry a 429 with backoff (for one-off callers; the engine re-queues instead). */
  retryBusy?: boolean;
}

/** What a streamed submission ended with. */
export interface StreamOutcome {
  /** The service's job id, once any event named it. */
  jobId: string | undefined;
  /** The newest job object seen. */
  job: Job | undefined;
  /** True when a terminal event arrived; false when the stream ended or broke before it. */
  terminal: boolean;
  /** Text of an `error` event, if the stream sent one. */
  streamError?: string;
  /** Highest `seq` seen. */
  lastSeq: number;
}


/** A download in progress: the body must be consumed or destroyed by the caller. */
export interface DownloadResponse {
  body: Readable;
  contentType: string | undefined;
  contentLength: number | undefined;
}

type Body = { kind: 'json'; value: Record<string, unknown> } | { kind: 'form'; value: FormData } | { kind: 'none' };

interface SendOptions extends CallOptions {
  body?: Body;
  errorContext: Omit<ErrorContext, 'retryAfterHeader' | 'knownSecrets'>;
  bodyTimeoutMs?: number;
  accept?: string;
  /** Return a 404 instead of throwing (GET /accounts answers 404 when none is configured). */
  allow404?: boolean;
  /** Secrets inside this request's body that must not reach an error message. */
  extraSecrets?: string[];
}

export class ApiClient {
  private readonly agent: Agent;
  private readonly logger: Logger;
  private readonly requestTimeoutMs: number;
  private readonly streamIdleTimeoutMs: number;
  private readonly retries: number;
  private readonly retryMinTimeoutMs: number;
  /** Number of HTTP requests sent (for tests and the bench). */
  requestCount = 0;

  constructor(private readonly options: ApiClientOptions) {
    this.logger = options.logger ?? silentLogger;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.streamIdleTimeoutMs = options.streamIdleTimeoutMs ?? 120_000;
    this.retries = options.retries ?? 3;
    this.retryMinTimeoutMs = options.retryMinTimeoutMs ?? 500;
    this.agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, connections: options.connections ?? 16 });
  }

  /** The configured origin without a trailing slash. */
  origin(): string {
    const raw = typeof this.options.baseUrl === 'function' ? this.options.baseUrl() : this.options.baseUrl;
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BadRequestError(`API base URL must be http(s), got ${url.protocol}`);
    return url.origin;
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  // ---- jobs ---------------------------------------------------------------------------------------

  /** POST a job with `stream:false`; resolves with the job's initial state (201, or 200 for a repeat). */
  async submitJob(request: JobRequest, options: SubmitCallOptions = {}): Promise<Job> {
    const { path, body } = await this.buildSubmission(request, options, false);
    return this.withPostRetry(options, async () => {
      const response = await this.send('POST', path, { ...options, body, errorContext: { resource: 'other', channel: options.channel } });
      return this.maskJob(await this.parseJson(response, JobSchema, 'job'));
    });
  }

  /**
   * POST a job with `stream:true` and follow its events. `onEvent` sees each new event once (by `seq`).
   * Throws when the POST failed before any event named the job (the caller must reconcile unless the
   * error proves the request never arrived); resolves with `terminal:false` when the stream broke later.
   */
  async submitJobStreaming(request: JobRequest, options: SubmitCallOptions & { onEvent?: (event: SseEvent) => void }): Promise<StreamOutcome> {
    const { path, body } = await this.buildSubmission(request, options, true);
    const response = await this.withPostRetry(options, () =>
      this.send('POST', path, {
        ...options,
        body,
        errorContext: { resource: 'other', channel: options.channel },
        bodyTimeoutMs: this.streamIdleTimeoutMs,
        accept: 'text/event-stream',
      }),
    );
    const contentType = String(response.headers['content-type'] ?? '');
    if (!contentType.includes('text/event-stream')) {
      // An execute-once repeat (or a server ignoring stream) answers with the job as JSON.
      const job = this.maskJob(await this.parseJson(response, JobSchema, 'job'));
      return { jobId: job.jobid, job, terminal: TERMINAL_API_STATUSES.has(job.status), lastSeq: -1 };
    }
    const outcome: StreamOutcome = { jobId: undefined, job: undefined, terminal: false, lastSeq: -1 };
    const seq = new SeqTracker();
    let unreadable: SchemaMismatchError | undefined;
    try {
      for await (const data of sseDataMessages(response.body)) {
        const event = this.parseSseEvent(data);
        if (event instanceof SchemaMismatchError) {
          unreadable ??= event;
          continue;
        }
        if (!seq.accept(event.seq)) continue;
        outcome.lastSeq = seq.lastSeq;
        if (event.event === 'initialized') outcome.jobId ??= event.jobId;
        else if (event.event === 'error') outcome.streamError = redactSecrets(event.error, this.options.knownSecrets ?? []);
        else {
          outcome.jobId = event.job.jobid;
          outcome.job = event.job;
          if (TERMINAL_API_STATUSES.has(event.job.status)) outcome.terminal = true;
        }
        options.onEvent?.(event);
        if (outcome.terminal || outcome.streamError !== undefined) break;
      }
    } catch (error) {
      if (isAbortError(error) || options.signal?.aborted) throw options.signal?.reason ?? error;
      if (outcome.jobId === undefined) throw fromTransportError(error, 'The job stream', this.streamIdleTimeoutMs);
      this.logger.debug(`event stream of ${outcome.jobId} broke: ${this.redact(String(error))}`);
    } finally {
      response.body.destroy();
    }
    if (outcome.jobId === undefined && outcome.streamError === undefined) {
      // The stream ended before naming the job: we cannot know whether it was accepted. If it sent events
      // we could not read, say which field broke (the job may exist: it must not be resent blindly).
      throw unreadable ?? new NetworkError('STREAM_ENDED_EARLY', false);
    }
    return outcome;
  }

  async getJob(jobId: string, options: CallOptions = {}): Promise<Job> {
    const path = `/jobs/${this.safeId(jobId)}`;
    return this.withGetRetry(options, async () => {
      const response = await this.send('GET', path, { ...options, errorContext: { resource: 'job' } });
      return this.maskJob(await this.parseJson(response, JobSchema, 'job'));
    });
  }

  /** GET /jobs: running jobs grouped by channel, with limits (§11). */
  async listRunningJobs(options: CallOptions = {}): Promise<RunningJobs> {
    return this.withGetRetry(options, async () => {
      const response = await this.send('GET', '/jobs', { ...options, errorContext: { resource: 'other' } });
      return this.parseJson(response, RunningJobsSchema, 'running jobs list');
    });
  }

  /** DELETE /jobs/{id}: cancels a running job (204). */
  async cancelJob(jobId: string, options: CallOptions = {}): Promise<void> {
    const response = await this.send('DELETE', `/jobs/${this.safeId(jobId)}`, { ...options, errorContext: { resource: 'job' } });
    await response.body.dump();
  }

  // ---- accounts -----------------------------------------------------------------------------------

  /** GET /accounts; an empty map when none is configured (the service answers 404 then). */
  async getAccounts(options: CallOptions = {}): Promise<AccountsMap> {
    return this.withGetRetry(options, async () => {
      const response = await this.send('GET', '/accounts', { ...options, errorContext: { resource: 'account' }, allow404: true });
      if (response.statusCode === 404) {
        await response.body.dump();
        return {};
      }
      return this.parseJson(response, AccountsMapSchema, 'accounts list');
    });
  }

  async getAccount(channel: string, options: CallOptions = {}): Promise<Account> {
    return this.withGetRetry(options, async () => {
      const response = await this.send('GET', `/accounts/${this.safeId(channel)}`, { ...options, errorContext: { resource: 'account' } });
      return this.parseJson(response, AccountSchema, 'account');
    });
  }

  /** POST /accounts (create or update a channel from a Discord token). */
  async configureAccount(input: AccountInput, options: CallOptions = {}): Promise<Account> {
    const value: Record<string, unknown> = { discord: input.discord };
    for (const key of ['maxJobs', 'maxImageJobs', 'maxVideoJobs', 'replyUrl'] as const) if (input[key] !== undefined) value[key] = input[key];
    const response = await this.send('POST', '/accounts', { ...options, body: { kind: 'json', value }, errorContext: { resource: 'account' }, extraSecrets: [input.discord] });
    return this.parseJson(response, AccountSchema, 'account');
  }

  async deleteAccount(channel: string, options: CallOptions = {}): Promise<void> {
    const response = await this.send('DELETE', `/accounts/${this.safeId(channel)}`, { ...options, errorContext: { resource: 'account' } });
    await response.body.dump();
  }

  /** POST /accounts/reset/{channel}: clears a 596 lock (204). */
  async resetChannel(channel: string, options: CallOptions = {}): Promise<void> {
    const path = `/accounts/reset/${this.safeId(channel)}`;
    // Clearing a lock twice is harmless, so this POST is retried like a GET.
    await this.withGetRetry(options, async () => {
      const response = await this.send('POST', path, { ...options, body: { kind: 'none' }, errorContext: { resource: 'account', channel } });
      await response.body.dump();
    });
  }

  // ---- downloads ----------------------------------------------------------------------------------

  /**
   * Starts a download. `cdn.midjourney.com` goes through the useapi CDN proxy with the token; URLs on the
   * API origin get the token too; any other http(s) URL is fetched plainly, never with the token.
   */
  async download(url: string, options: CallOptions = {}): Promise<DownloadResponse> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new BadRequestError('the result URL is not a valid URL; it was not downloaded');
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new BadRequestError(`refusing to download a ${target.protocol} URL`);
    if (target.username || target.password) throw new BadRequestError('refusing to download a URL that carries credentials');
    const origin = this.origin();
    let fetchUrl = target.toString();
    let withToken = false;
    if (target.origin === MIDJOURNEY_CDN_ORIGIN) {
      fetchUrl = `${origin}/v1/proxy/cdn-midjourney/?cdnUrl=${encodeURIComponent(target.toString())}`;
      withToken = true;
    } else if (target.origin === origin) {
      withToken = true;
    } else if (!DISCORD_CDN_ORIGINS.has(target.origin)) {
      // Results come from the API origin, the Midjourney CDN (through the proxy) or Discord's CDN; a job
      // naming any other host is not fetched (no requests to arbitrary or internal addresses).
      throw new BadRequestError(`refusing to download from ${target.origin}: results are only fetched from the API origin (${origin}), the Midjourney CDN or Discord's CDN`);
    }
    const headers: Record<string, string> = { accept: '*/*', 'user-agent': 'Mozilla/5.0 (compatible; MidjourneyStudio/0.1)' };
    if (withToken) headers.authorization = `Bearer ${await this.token()}`;
    const response = await this.withGetRetry(options, async () => {
      this.requestCount++;
      let answer: Dispatcher.ResponseData;
      try {
        answer = await undiciRequest(fetchUrl, {
          method: 'GET',
          headers,
          dispatcher: this.agent,
          signal: options.signal,
          headersTimeout: this.requestTimeoutMs,
          bodyTimeout: this.requestTimeoutMs,
        });
      } catch (error) {
        throw this.transportFailure(error, options.signal, 'The download');
      }
      if (answer.statusCode !== 200) {
        const text = (await readBounded(answer.body, MAX_ERROR_BODY_BYTES).catch(() => undefined)) ?? '';
        throw errorFromResponse(answer.statusCode, text, { resource: 'other', knownSecrets: this.secrets() });
      }
      return answer;
    });
    const length = Number(response.headers['content-length']);
    return {
      body: response.body,
      contentType: typeof response.headers['content-type'] === 'string' ? response.headers['content-type'] : undefined,
      contentLength: Number.isFinite(length) ? length : undefined,
    };
  }

  // ---- internals ----------------------------------------------------------------------------------

  /** Endpoint and body of one job POST. `stream` is always explicit (§1). */
  async buildSubmission(request: JobRequest, options: SubmitCallOptions, stream: boolean): Promise<{ path: string; body: Body }> {
    const common: Record<string, unknown> = { stream };
    if (options.replyRef !== undefined) common.replyRef = options.replyRef;
    const channel = 'channel' in request && request.channel ? request.channel : options.channel;
    switch (request.verb) {
      case 'imagine':
        if (!request.prompt.trim()) throw new BadRequestError('the prompt is empty');
        if (request.prompt.length > MAX_PROMPT_LENGTH) throw new BadRequestError(`the prompt is longer than ${MAX_PROMPT_LENGTH} characters`);
        return { path: '/jobs/imagine', body: json({ prompt: request.prompt, ...withChannel(channel), ...common }) };
      case 'button': {
        const value: Record<string, unknown> = { jobId: request.parentJobId, button: request.button, ...common };
        if (request.prompt !== undefined) value.prompt = request.prompt;
        if (request.mask !== undefined) value.mask = request.mask;
        return { path: '/jobs/button', body: json(value) };
      }
      case 'seed':
        return { path: '/jobs/seed', body: json({ jobId: request.parentJobId, ...common }) };
      case 'describe': {
        if (request.image.kind === 'url') return { path: '/jobs/describe', body: json({ imageUrl: request.image.url, ...withChannel(channel), ...common }) };
        const form = formOf({ ...withChannel(channel), ...common });
        form.append('imageBlob', await readImage(request.image.path), request.image.name);
        return { path: '/jobs/describe', body: { kind: 'form', value: form } };
      }
      case 'blend': {
        if (request.images.length < 2 || request.images.length > 5) throw new BadRequestError('a blend needs 2 to 5 images');
        const fields: Record<string, unknown> = { ...withChannel(channel), ...common };
        if (request.dimensions) fields.blendDimensions = request.dimensions;
        const files = request.images.filter((i) => i.kind === 'file');
        if (files.length === 0) {
          request.images.forEach((image, i) => {
            if (image.kind === 'url') fields[`imageUrl_${i + 1}`] = image.url;
          });
          return { path: '/jobs/blend', body: json(fields) };
        }
        const form = formOf(fields);
        // Read (and size-check) every file before sending anything.
        const blobs = await Promise.all(request.images.map((image) => (image.kind === 'file' ? readImage(image.path) : Promise.resolve(undefined))));
        request.images.forEach((image, i) => {
          const blob = blobs[i];
          if (image.kind === 'url') form.append(`imageUrl_${i + 1}`, image.url);
          else if (blob) form.append(`imageBlob_${i + 1}`, blob, image.name);
        });
        return { path: '/jobs/blend', body: { kind: 'form', value: form } };
      }
      default:
        return { path: `/jobs/${request.verb}`, body: json({ ...withChannel(channel), ...common }) };
    }
  }

  private async send(method: 'GET' | 'POST' | 'DELETE', path: string, options: SendOptions): Promise<Dispatcher.ResponseData> {
    const token = await this.token();
    const url = `${this.origin()}/v3/midjourney${path}`;
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: options.accept ?? 'application/json' };
    let body: string | FormData | undefined;
    if (options.body?.kind === 'json') {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body.value);
    } else if (options.body?.kind === 'form') {
      body = options.body.value; // undici sets the multipart boundary
    }
    this.requestCount++;
    let response: Dispatcher.ResponseData;
    try {
      response = await undiciRequest(url, {
        method,
        headers,
        body,
        dispatcher: this.agent,
        signal: options.signal,
        headersTimeout: this.requestTimeoutMs,
        bodyTimeout: options.bodyTimeoutMs ?? this.requestTimeoutMs,
      });
    } catch (error) {
      throw this.transportFailure(error, options.signal, `${method} ${path.split('/').slice(0, 3).join('/')}`);
    }
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    if (ok || (options.allow404 && response.statusCode === 404)) return response;
    const text = (await readBounded(response.body, MAX_ERROR_BODY_BYTES).catch(() => undefined)) ?? '';
    const retryAfter = response.headers['retry-after'];
    const error = errorFromResponse(response.statusCode, text, {
      ...options.errorContext,
      retryAfterHeader: typeof retryAfter === 'string' ? retryAfter : undefined,
      knownSecrets: [...this.secrets(), ...(options.extraSecrets ?? [])],
    });
    this.logger.debug(`${method} ${path} → ${response.statusCode} ${error.kind}`);
    throw error;
  }

  private transportFailure(error: unknown, signal: AbortSignal | undefined, what: string): unknown {
    if (signal?.aborted) return signal.reason ?? error;
    if (isAbortError(error)) return error;
    return fromTransportError(error, what, this.requestTimeoutMs);
  }

  private async token(): Promise<string> {
    const token = (await this.options.tokens.getToken())?.trim();
    if (!token) throw new UnauthorizedError('no token configured');
    return token;
  }

  private secrets(): string[] {
    return [...(this.options.knownSecrets ?? [])];
  }

  private redact(text: string): string {
    return redactSecrets(text, this.secrets());
  }

  private safeId(id: string): string {
    if (!SAFE_ID.test(id)) throw new BadRequestError(`"${id.slice(0, 40)}" is not a valid id`);
    return id;
  }

  private async parseJson<S extends z.ZodType>(response: Dispatcher.ResponseData, schema: S, what: string): Promise<z.infer<S>> {
    let data: unknown;
    try {
      const text = await readBounded(response.body, MAX_JSON_BYTES);
      if (text === undefined) throw new SchemaMismatchError(what, '(root)', `is larger than ${MAX_JSON_BYTES / 1048576} MB`);
      data = JSON.parse(text);
    } catch (error) {
      if (error instanceof SchemaMismatchError) throw error;
      if (error instanceof SyntaxError) throw new SchemaMismatchError(what, '(root)', 'is not valid JSON');
      throw fromTransportError(error, `Reading the ${what}`, this.requestTimeoutMs);
    }
    const result = schema.safeParse(data);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new SchemaMismatchError(what, issue ? formatIssuePath(issue.path) : '(root)', issue?.message ?? 'is invalid');
    }
    return result.data;
  }

  /** An event, or the reason it was skipped (logged) when it is not JSON or does not match the schema. */
  private parseSseEvent(data: string): SseEvent | SchemaMismatchError {
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      this.logger.warn('ignored an event that is not JSON');
      return new SchemaMismatchError('event', '(root)', 'is not valid JSON');
    }
    const result = SseEventSchema.safeParse(value);
    if (!result.success) {
      // Unknown event kinds are skipped; a known kind with a bad shape is reported in the log.
      const issue = result.error.issues[0];
      const field = issue ? formatIssuePath(issue.path) : '(root)';
      this.logger.warn(`ignored an unexpected event: ${field} ${issue?.message ?? ''}`);
      return new SchemaMismatchError('event', field, issue?.message ?? 'is invalid');
    }
    const event = result.data;
    return event.event === 'initialized' || event.event === 'error' ? event : { ...event, job: this.maskJob(event.job) };
  }

  /** A job's `error`/`errorDetails` are server texts shown and stored everywhere: secrets are masked here, once. */
  private maskJob(job: Job): Job {
    if (job.error === undefined && job.errorDetails === undefined) return job;
    const masked: Job = { ...job };
    if (job.error !== undefined) masked.error = this.redact(job.error);
    if (job.errorDetails !== undefined) masked.errorDetails = this.redact(job.errorDetails);
    return masked;
  }

  /** GETs: retry network errors, timeouts and 5xx (never 596, which is a lock, not an outage). */
  private withGetRetry<T>(options: CallOptions, run: () => Promise<T>): Promise<T> {
    return pRetry(run, {
      retries: this.retries,
      minTimeout: this.retryMinTimeoutMs,
      maxTimeout: 10_000,
      randomize: true,
      signal: options.signal,
      shouldRetry: ({ error }) => error instanceof NetworkError || error instanceof TimeoutError || error instanceof UpstreamError,
    });
  }

  /** POSTs: retry only what certainly was not accepted: connection refused, and 429 when asked to. */
  private withPostRetry<T>(options: SubmitCallOptions, run: () => Promise<T>): Promise<T> {
    return pRetry(run, {
      retries: options.retryBusy ? Math.max(this.retries, 6) : this.retries,
      minTimeout: this.retryMinTimeoutMs,
      maxTimeout: 60_000,
      randomize: true,
      signal: options.signal,
      shouldRetry: ({ error }) => (error instanceof NetworkError && error.certainlyNotSent) || (options.retryBusy === true && error instanceof BusyError),
    });
  }
}

function json(value: Record<string, unknown>): Body {
  return { kind: 'json', value };
}

function withChannel(channel: string | undefined): Record<string, unknown> {
  return channel ? { channel } : {};
}

/** Multipart text parts: `stream` and friends travel as strings ("false"/"true") (§12). */
function formOf(fields: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') form.append(key, String(value));
  }
  return form;
}

async function readImage(path: string): Promise<Blob> {
  const name = path.split(/[\\/]/).pop() ?? path;
  const info = await stat(path);
  if (!info.isFile()) throw new BadRequestError(`${name} is not a file`);
  if (info.size > MAX_IMAGE_BYTES) throw new BadRequestError(`the image ${name} is ${(info.size / 1048576).toFixed(1)} MB; the limit is 10 MB`);
  const bytes = await readFile(path);
  // Checked after reading too: the file may have grown since stat.
  if (bytes.length > MAX_IMAGE_BYTES) throw new BadRequestError(`the image ${name} is ${(bytes.length / 1048576).toFixed(1)} MB; the limit is 10 MB`);
  const sniffed = imageTypeOf(bytes);
  if (!sniffed) throw new BadRequestError(`${name} is not a PNG, JPEG, WebP or GIF image; choose an image file`);
  return new Blob([bytes], { type: sniffed });
}

/** A response body as text, or undefined (and the body destroyed) once it grows past `limit` bytes. */
async function readBounded(body: Dispatcher.ResponseData['body'], limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The image type from the file's first bytes (the name and the reported type can lie). */
export function imageTypeOf(bytes: Uint8Array): string | undefined {
  const starts = (...signature: number[]): boolean => signature.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38, 0x37, 0x61) || starts(0x47, 0x49, 0x46, 0x38, 0x39, 0x61)) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'image/webp';
  return undefined;
}

