// HTTP face of the simulator (node:http): routing, auth, body parsing (JSON and multipart), SSE framing,
// the CDN/proxy/Discord media routes, and the fault hooks that act on connections.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timeOfDay, type SimTime } from './clock';
import type { MediaStore } from './media';
import { handleAdminRequest, type SimulatorAdmin } from './admin';
import { HttpError, isTerminal, JOB_VERBS, UploadedFile, type Body, type JobSubscriber, type JobVerb, type MidjourneyService, type SimJob } from './service';
import type { JsonObject } from './messages';

const API_PREFIX = '/v3/midjourney';
const PROXY_PATH = '/v1/proxy/cdn-midjourney';
const MIDJOURNEY_CDN = 'https://cdn.midjourney.com/';
/** Five blend images of 10 MB plus form overhead. */
const MAX_BODY_BYTES = 60 * 1024 * 1024;
const EXPIRED_DISCORD_TEXT = 'This content is no longer available.';

const STATUS_TEXT: Record<number, string> = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

export class SimulatorHttp {
  constructor(
    private readonly service: MidjourneyService,
    private readonly media: MediaStore,
    private readonly time: SimTime,
    private readonly admin: SimulatorAdmin,
  ) {}

  /** node:http request listener. Never throws; unexpected errors become 500 JSON. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    this.route(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) {
        sendError(res, error);
      } else if (!res.headersSent) {
        sendJson(res, 500, { error: `Simulator error: ${error instanceof Error ? error.message : String(error)}`, code: 500 });
      } else {
        res.destroy();
      }
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator.local');
    const method = req.method ?? 'GET';
    const pathname = url.pathname;

    if (pathname.startsWith('/__sim/')) {
      // Only JSON changes settings: a web page in a browser can send simple (text/form) POSTs to loopback without a
      // preflight, but not application/json, which needs CORS the simulator never grants.
      if (method === 'POST' && !(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
        sendJson(res, 415, { error: 'Admin requests need Content-Type: application/json', code: 415 });
        return;
      }
      const body = method === 'POST' ? await readJsonOrForm(req) : {};
      const result = handleAdminRequest(this.admin, method, pathname.slice('/__sim/'.length), body);
      if (result === undefined) sendEmpty(res, 204);
      else sendJson(res, result.status, result.body);
      return;
    }

    const endpoint = endpointName(method, pathname);
    this.service.countRequest(endpoint);
    res.once('finish', () => this.service.countStatus(res.statusCode));
    await this.maybeSlow();

    if (pathname.startsWith(`${API_PREFIX}/`)) {
      await this.api(req, res, method, pathname.slice(API_PREFIX.length));
    } else if (pathname === PROXY_PATH || pathname === `${PROXY_PATH}/`) {
      this.authorize(req);
      this.proxy(res, url.searchParams.get('cdnUrl'));
    } else if (pathname.startsWith('/cdn.midjourney.com/')) {
      this.midjourneyCdn(res, pathname.slice('/cdn.midjourney.com/'.length), false);
    } else if (pathname.startsWith('/cdn.discordapp.com/attachments/') || pathname.startsWith('/media.discordapp.net/attachments/')) {
      this.discordCdn(res, pathname);
    } else {
      sendJson(res, 404, { error: `Not found: ${method} ${pathname}`, code: 404 });
    }
  }

  private async maybeSlow(): Promise<void> {
    const slow = this.service.faults.slow;
    if (slow.ms <= 0 || slow.remaining <= 0) return;
    slow.remaining--;
    this.service.countFault('slowed');
    await new Promise<void>((resolve) => this.time.afterReal(slow.ms, resolve));
  }

  /** 401 / 402 (§1, §14 #1); returns the useapi user number. */
  private authorize(req: IncomingMessage): string {
    const user = this.service.authenticate(req.headers.authorization);
    if (user === undefined) throw new HttpError(401, { error: 'Unauthorized', code: 401 });
    if (this.service.faults.paymentRequired) throw new HttpError(402, { error: 'Account has no subscription or subscription expired', code: 402 });
    return user;
  }

  private async api(req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<void> {
    const user = this.authorize(req);
    const segments = path.split('/').filter((s) => s !== '').map(decodeSegment);
    const faults = this.service.faults;
    const isJobPost = method === 'POST' && segments[0] === 'jobs' && segments.length === 2 && (JOB_VERBS as readonly string[]).includes(segments[1]);

    if (isJobPost && faults.resetBeforeAccept > 0) {
      faults.resetBeforeAccept--;
      this.service.countFault('resetBeforeAccept');
      req.socket.destroy();
      return;
    }
    if (this.service.roll5xx()) {
      const status = faults.status5xx;
      sendJson(res, status, { error: STATUS_TEXT[status] ?? 'Upstream error', code: status });
      return;
    }

    if (isJobPost) {
      await this.jobPost(req, res, segments[1] as JobVerb, user);
      return;
    }
    if (segments[0] === 'jobs') {
      if (segments.length === 1 && method === 'GET') return sendJson(res, 200, this.service.runningJobs());
      if (segments.length === 2 && method === 'GET') return sendJson(res, 200, this.service.view(this.service.findJob(segments[1])));
      if (segments.length === 2 && method === 'DELETE') {
        this.service.cancelJob(segments[1]);
        return sendEmpty(res, 204);
      }
    }
    if (segments[0] === 'accounts') {
      const channels = this.service.channels;
      if (segments.length === 1 && method === 'GET') {
        if (channels.size === 0) return sendEmpty(res, 404);
        const map: JsonObject = {};
        for (const channel of channels.values()) map[channel.id] = this.service.accountView(channel);
        return sendJson(res, 200, map);
      }
      if (segments.length === 1 && method === 'POST') {
        const { status, account } = this.service.postAccount(await readJsonOrForm(req));
        return sendJson(res, status, account);
      }
      if (segments.length === 2 && method === 'GET') {
        const channel = channels.get(segments[1]);
        return channel ? sendJson(res, 200, this.service.accountView(channel)) : sendEmpty(res, 404);
      }
      if (segments.length === 2 && method === 'DELETE') {
        return sendEmpty(res, channels.delete(segments[1]) ? 204 : 404);
      }
      if (segments.length === 3 && segments[1] === 'reset' && method === 'POST') {
        const channel = channels.get(segments[2]);
        if (!channel) return sendEmpty(res, 404);
        this.service.unlockChannel(channel.id);
        return sendEmpty(res, 204);
      }
    }
    sendJson(res, 404, { error: `Not found: ${method} ${API_PREFIX}${path}`, code: 404 });
  }

  private async jobPost(req: IncomingMessage, res: ServerResponse, verb: JobVerb, user: string): Promise<void> {
    const body = await readJsonOrForm(req);
    if (body.stream !== undefined && typeof body.stream !== 'boolean') throw new HttpError(400, { error: 'Parameter stream must be true or false', code: 400 });
    const stream = body.stream !== false;
    const late = this.service.faults.acceptLate;
    if (late.ms > 0 && late.remaining > 0) {
      late.remaining--;
      this.service.countFault('acceptedLate');
      await new Promise<void>((resolve) => this.time.afterReal(late.ms, resolve));
    }
    const { job, isNew } = this.service.submit(verb, body, user);
    const faults = this.service.faults;
    if (isNew && faults.resetAfterAccept > 0) {
      // The job exists and runs to its end; only the answer is lost.
      faults.resetAfterAccept--;
      this.service.countFault('resetAfterAccept');
      req.socket.destroy();
      return;
    }
    if (!stream) {
      sendJson(res, isNew ? 201 : 200, this.service.view(job));
      return;
    }
    this.streamJob(res, job, isNew);
  }

  /** SSE per CONTRACT.md §5 / §14 #18: `data:` lines only, seq from 0, close after the terminal event. */
  private streamJob(res: ServerResponse, job: SimJob, ownsJob: boolean): void {
    const faults = this.service.faults;
    let dropAfter: number | undefined;
    let dropError: string | undefined;
    if (ownsJob && faults.dropSse.count > 0) {
      faults.dropSse.count--;
      this.service.countFault('sseDropped');
      dropAfter = Math.max(1, faults.dropSse.afterEvents);
      dropError = faults.dropSse.error;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    let seq = 0;
    let finished = false;
    const frame = (payload: JsonObject): string => `data: ${JSON.stringify({ ...payload, seq: seq++, ts: timeOfDay(this.time.now()) })}\n\n`;
    const send = (payload: JsonObject): void => {
      if (finished) return;
      const message = frame(payload);
      if (dropAfter !== undefined && seq >= dropAfter && !isTerminal(job.status)) {
        // The dropSse fault: deliver this message, then cut the connection (or end with an error event).
        finished = true;
        this.service.freeze(job);
        if (dropError !== undefined) {
          res.end(message + frame({ event: 'error', error: dropError }));
        } else {
          res.write(message, () => res.destroy());
        }
        return;
      }
      res.write(message);
    };
    const sendState = (current: SimJob): void => {
      send({ event: `midjourney_${current.status}`, job: this.service.view(current) });
      if (isTerminal(current.status) && !finished) {
        finished = true;
        res.end();
      }
    };
    const subscriber: JobSubscriber = { onChange: sendState };
    res.on('error', () => {
      finished = true; // the socket went away mid-write; 'close' follows
    });
    res.on('close', () => {
      job.subscribers.delete(subscriber);
      // A stream lost before the terminal event freezes the job it created (§5, §14 #19).
      if (ownsJob && !isTerminal(job.status)) this.service.freeze(job);
      finished = true;
    });
    send({ event: 'initialized', message: 'Stream initialized', jobId: job.jobid });
    if (finished) return;
    sendState(job);
    if (!finished) job.subscribers.add(subscriber);
  }

  /** `/v1/proxy/cdn-midjourney/?cdnUrl=` (§10). */
  private proxy(res: ServerResponse, cdnUrl: string | null): void {
    if (!cdnUrl || !cdnUrl.startsWith(MIDJOURNEY_CDN)) {
      throw new HttpError(400, { error: `Parameter cdnUrl is required and must start with ${MIDJOURNEY_CDN}`, code: 400 });
    }
    this.midjourneyCdn(res, new URL(cdnUrl).pathname.slice(1), true);
  }

  /** `<GUID>/0_<n>.jpeg` and `video/<GUID>/<n>.mp4`. */
  private midjourneyCdn(res: ServerResponse, path: string, viaProxy: boolean): void {
    const image = /^([0-9a-f-]{36})\/0_(\d)\.jpeg$/.exec(path);
    const video = /^video\/([0-9a-f-]{36})\/(\d)\.mp4$/.exec(path);
    let bytes: Buffer | undefined;
    let contentType = 'image/jpeg';
    if (image) {
      const entry = this.service.media.get(image[1]);
      const variant = entry?.variants[Number(image[2])];
      if (entry && variant !== undefined) bytes = this.media.singleJpeg(entry.picture, variant);
    } else if (video) {
      const entry = this.service.media.get(video[1]);
      const index = Number(video[2]);
      if (entry && index < entry.videos) bytes = this.media.video(`${entry.picture.seedText}|${entry.picture.salt}`, index);
      contentType = 'video/mp4';
    }
    if (!bytes) {
      sendJson(res, 404, { error: 'Not found', code: 404 });
      return;
    }
    sendBytes(res, bytes, contentType, viaProxy ? 'private, max-age=3600' : 'public, max-age=31536000');
  }

  /** Discord-style attachment links: 404 "This content is no longer available." after `ex` (§3.6). */
  private discordCdn(res: ServerResponse, pathname: string): void {
    const attachmentId = pathname.split('/')[4] ?? '';
    const entry = this.service.attachments.get(attachmentId);
    if (!entry || this.time.now() / 1000 > entry.expiresSec) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(EXPIRED_DISCORD_TEXT);
      return;
    }
    let bytes: Buffer | undefined;
    let contentType = 'image/png';
    switch (entry.kind) {
      case 'grid-png':
        bytes = this.media.gridPng(entry.picture);
        break;
      case 'single-png':
        bytes = this.media.singlePng(entry.picture, entry.variant);
        break;
      case 'video-preview':
        bytes = this.media.videoPreview();
        contentType = 'image/webp';
        break;
      case 'video-mp4':
        bytes = this.media.video(`${entry.picture.seedText}|${entry.picture.salt}`, entry.variant);
        contentType = 'video/mp4';
        break;
    }
    if (!bytes) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(EXPIRED_DISCORD_TEXT);
      return;
    }
    sendBytes(res, bytes, contentType, 'public, max-age=86400');
  }
}

/** `POST /jobs/imagine`, `GET /jobs/{id}`, `GET /accounts/{channel}` … for the request counters. */
export function endpointName(method: string, pathname: string): string {
  if (pathname.startsWith(`${API_PREFIX}/`)) {
    const segments = pathname.slice(API_PREFIX.length + 1).split('/').filter((s) => s !== '');
    if (segments[0] === 'jobs' && segments.length === 2) {
      const named = method === 'POST' && (JOB_VERBS as readonly string[]).includes(segments[1]);
      return `${method} /jobs/${named ? segments[1] : '{id}'}`;
    }
    if (segments[0] === 'accounts' && segments.length === 2) return `${method} /accounts/{channel}`;
    if (segments[0] === 'accounts' && segments[1] === 'reset') return `${method} /accounts/reset/{channel}`;
    return `${method} /${segments.join('/')}`;
  }
  if (pathname.startsWith(PROXY_PATH)) return `${method} /proxy/cdn-midjourney`;
  if (pathname.startsWith('/cdn.midjourney.com/')) return `${method} cdn.midjourney.com`;
  if (pathname.startsWith('/cdn.discordapp.com/') || pathname.startsWith('/media.discordapp.net/')) return `${method} cdn.discordapp.com`;
  return `${method} (unknown)`;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'Content-Length': 0 });
  res.end();
}

function sendError(res: ServerResponse, error: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error.body === undefined) sendEmpty(res, error.status);
  else sendJson(res, error.status, error.body, error.headers);
}

/** Bytes with a single `Range: bytes=a-b` honoured (media players ask for ranges). */
function sendBytes(res: ServerResponse, bytes: Buffer, contentType: string, cacheControl: string): void {
  const range = res.req.headers.range;
  const headers = { 'Content-Type': contentType, 'Cache-Control': cacheControl, 'Accept-Ranges': 'bytes' };
  const match = range ? /^bytes=(\d*)-(\d*)$/.exec(range.trim()) : null;
  if (match && (match[1] !== '' || match[2] !== '')) {
    const size = bytes.length;
    const start = match[1] === '' ? Math.max(0, size - Number(match[2])) : Number(match[1]);
    const end = match[1] === '' || match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (start >= size || start > end) {
      res.writeHead(416, { 'Content-Range': `bytes */${size}` });
      res.end();
      return;
    }
    res.writeHead(206, { ...headers, 'Content-Length': end - start + 1, 'Content-Range': `bytes ${start}-${end}/${size}` });
    res.end(bytes.subarray(start, end + 1));
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': bytes.length });
  res.end(bytes);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > MAX_BODY_BYTES) throw new HttpError(413, { error: 'Request body too large', code: 413 });
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** JSON or multipart/form-data body as a flat object; `"true"`/`"false"` text parts become booleans (§14 #2). */
export async function readJsonOrForm(req: IncomingMessage): Promise<Body> {
  const raw = await readBody(req);
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.toLowerCase().startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Request('http://simulator.local/', { method: 'POST', headers: { 'content-type': contentType }, body: raw }).formData();
    } catch {
      throw new HttpError(400, { error: 'Invalid multipart/form-data body', code: 400 });
    }
    const body: Body = {};
    for (const [key, value] of form.entries()) {
      if (typeof value === 'string') {
        body[key] = value === 'true' ? true : value === 'false' ? false : value;
      } else {
        const bytes = Buffer.from(await value.arrayBuffer());
        body[key] = new UploadedFile(value.name, value.type || 'application/octet-stream', bytes.length, bytes.subarray(0, 4096));
      }
    }
    return body;
  }
  if (raw.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, { error: 'Invalid JSON body', code: 400 });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new HttpError(400, { error: 'The body must be a JSON object', code: 400 });
  const body = parsed as Body;
  if (body.stream === 'true' || body.stream === 'false') body.stream = body.stream === 'true';
  return body;
}
