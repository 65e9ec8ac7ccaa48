// The typed error taxonomy of CONTRACT.md §8. Every class carries a user-facing message that says what
// to do; server texts are passed through redactSecrets before they reach a message.
import { redactSecrets } from '../redact';

export type ApiErrorKind =
  | 'unauthorized'
  | 'paymentRequired'
  | 'badRequest'
  | 'notFound'
  | 'expired'
  | 'busy'
  | 'channelLocked'
  | 'moderated'
  | 'upstream'
  | 'network'
  | 'timeout'
  | 'schemaMismatch';

export abstract class ApiError extends Error {
  abstract readonly kind: ApiErrorKind;
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** The server's own `error` text (redacted), when it sent one. */
  readonly serverMessage: string | undefined;

  constructor(message: string, options: { status?: number; serverMessage?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = options.status;
    this.serverMessage = options.serverMessage;
  }

  /** A user-facing sentence: what happened and what to do. Same as `message`. */
  get userMessage(): string {
    return this.message;
  }
}

/**
 * The ApiError in `error`, recognized by shape rather than class: the extension loads the engine from a
 * separate bundle on first use, so its error classes are not the host bundle's (instanceof fails).
 */
export function asApiError(error: unknown): (ApiError & { channel?: string }) | undefined {
  if (!(error instanceof Error) || !('kind' in error) || typeof error.kind !== 'string' || !('serverMessage' in error)) return undefined;
  return error as ApiError & { channel?: string };
}

export class UnauthorizedError extends ApiError {
  readonly kind = 'unauthorized';
  constructor(serverMessage?: string) {
    super('The useapi.net API token was rejected (401). Set a valid token with "Midjourney: Set API Token" (or USEAPI_TOKEN for the CLI).', { status: 401, serverMessage });
  }
}

export class PaymentRequiredError extends ApiError {
  readonly kind = 'paymentRequired';
  constructor(serverMessage?: string) {
    super('Your useapi.net subscription is missing or expired (402). Renew it at useapi.net, then try again.', { status: 402, serverMessage });
  }
}

export class BadRequestError extends ApiError {
  readonly kind = 'badRequest';
  constructor(serverMessage: string, status = 400) {
    super(`The request was refused: ${serverMessage}. Fix the request and try again; it will not be retried as is.`, { status, serverMessage });
  }
}

export class NotFoundError extends ApiError {
  readonly kind = 'notFound';
  /** What was not found: a job, or an account/channel. */
  readonly what: 'job' | 'account';
  constructor(what: 'job' | 'account', serverMessage?: string) {
    super(
      what === 'job'
        ? 'The service does not know this job (404). It may belong to another token; it can only be shown from local history.'
        : 'No Midjourney channel is configured for this token, or the channel is unknown (404). Configure one with "Midjourney: Configure Channel…".',
      { status: 404, serverMessage },
    );
    this.what = what;
  }
}

export class ExpiredError extends ApiError {
  readonly kind = 'expired';
  constructor(serverMessage?: string) {
    super('This job has expired on the service (older than 62 days, 410). Only the local history and downloaded files remain.', { status: 410, serverMessage });
  }
}

export class BusyError extends ApiError {
  readonly kind = 'busy';
  /** Server hint from a `Retry-After` header or a `retry_after` body field, in ms. */
  readonly retryAfterMs: number | undefined;
  constructor(serverMessage?: string, retryAfterMs?: number) {
    super('All channels are busy (429). The job waits in the queue and is sent again when a slot frees up.', { status: 429, serverMessage });
    this.retryAfterMs = retryAfterMs;
  }
}

export class ChannelLockedError extends ApiError {
  readonly kind = 'channelLocked';
  /** The locked channel, when the server or the request named it. */
  readonly channel: string | undefined;
  constructor(channel: string | undefined, serverMessage?: string) {
    const which = channel ? `Channel ${channel}` : 'The Midjourney channel';
    super(
      `${which} is locked by a pending Midjourney moderation message or CAPTCHA (596). Open your Discord DM with the Midjourney Bot, acknowledge the message or solve the CAPTCHA, then run "Midjourney: Reset Channel after Moderation/CAPTCHA…". Jobs for this channel wait until then; other channels keep working.`,
      { status: 596, serverMessage },
    );
    this.channel = channel;
  }
}

export class ModeratedError extends ApiError {
  readonly kind = 'moderated';
  constructor(serverMessage: string, status = 422) {
    super(`Midjourney refused the request: ${serverMessage}. Change the prompt or image and try again.`, { status, serverMessage });
  }
}

export class UpstreamError extends ApiError {
  readonly kind = 'upstream';
  constructor(status: number, serverMessage?: string) {
    super(`The service had a problem (HTTP ${status}${serverMessage ? `: ${serverMessage}` : ''}). Try again in a minute; if it persists, check status.useapi.net.`, { status, serverMessage });
  }
}

export class NetworkError extends ApiError {
  readonly kind = 'network';
  /** Low-level code (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET, ...). */
  readonly code: string | undefined;
  /**
   * True when the request certainly never reached the server (connection refused, DNS failure), so a
   * POST may be resent. Otherwise a POST's fate is unknown and must be reconciled.
   */
  readonly certainlyNotSent: boolean;
  constructor(code: string | undefined, certainlyNotSent: boolean, cause?: unknown) {
    super(`Could not reach the service${code ? ` (${code})` : ''}. Check the network and the API base URL; jobs already sent keep running.`, { cause });
    this.code = code;
    this.certainlyNotSent = certainlyNotSent;
  }
}

export class TimeoutError extends ApiError {
  readonly kind = 'timeout';
  constructor(what: string, ms: number) {
    super(`${what} took longer than ${Math.round(ms / 1000)} s. The service may be slow; the job is checked again before anything is resent.`);
  }
}

export class SchemaMismatchError extends ApiError {
  readonly kind = 'schemaMismatch';
  /** Dotted path of the first field that did not match, e.g. `response.imageUx.0.url`. */
  readonly field: string;
  constructor(what: string, field: string, detail: string) {
    super(`The service sent an unexpected ${what}: field "${field || '(root)'}" ${detail}. Update Midjourney Studio or report this.`);
    this.field = field;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** True for an abort caused by an AbortSignal (ours or the caller's). */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: unknown }).code === 'ABORT_ERR');
}

/** Network codes that prove the request never left this machine. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Wraps a low-level transport error (undici / Node) in a NetworkError or TimeoutError. */
export function fromTransportError(error: unknown, what: string, timeoutMs: number): ApiError {
  const code = transportCode(error);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return new TimeoutError(what, timeoutMs);
  return new NetworkError(code, code !== undefined && NOT_SENT_CODES.has(code), error);
}

function transportCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Reads `error` (and `retry_after`, `channel`) from a JSON error body, tolerating text and empty bodies. */
export function parseErrorBody(text: string): { error?: string; channel?: string; retryAfterSeconds?: number } {
  const trimmed = text.trim();
  if (!trimmed) return {};
  try {
    const body: unknown = JSON.parse(trimmed);
    if (body && typeof body === 'object') {
      const record = body as Record<string, unknown>;
      return {
        error: typeof record.error === 'string' ? record.error : undefined,
        channel: typeof record.channel === 'string' ? record.channel : undefined,
        retryAfterSeconds: typeof record.retry_after === 'number' ? record.retry_after : undefined,
      };
    }
  } catch {
    // not JSON: fall through to the text
  }
  return { error: trimmed.slice(0, 500) };
}

export interface ErrorContext {
  /** Whether the request addressed a job (404 with a body) or an account (404 empty). */
  resource: 'job' | 'account' | 'other';
  /** Channel the request was pinned to, for a 596 whose body does not name one. */
  channel?: string;
  /** Value of a `Retry-After` header. */
  retryAfterHeader?: string;
  knownSecrets?: Iterable<string>;
}

/** Maps a non-success HTTP answer to its typed error: status first, then the body (§8). */
export function errorFromResponse(status: number, bodyText: string, context: ErrorContext): ApiError {
  const body = parseErrorBody(bodyText);
  const serverMessage = body.error === undefined ? undefined : redactSecrets(body.error, context.knownSecrets);
  switch (status) {
    case 400:
      return new BadRequestError(serverMessage ?? 'no reason given');
    case 401:
      return new UnauthorizedError(serverMessage);
    case 402:
      return new PaymentRequiredError(serverMessage);
    case 404:
      return new NotFoundError(context.resource === 'job' ? 'job' : 'account', serverMessage);
    case 410:
      return new ExpiredError(serverMessage);
    case 422:
      return new ModeratedError(serverMessage ?? 'no reason given');
    case 429:
      return new BusyError(serverMessage, retryAfterMs(context.retryAfterHeader, body.retryAfterSeconds));
    case 596:
      return new ChannelLockedError(body.channel ?? context.channel, serverMessage);
    default:
      if (status >= 500) return new UpstreamError(status, serverMessage);
      return new BadRequestError(serverMessage ?? `unexpected HTTP ${status}`, status);
  }
}

function retryAfterMs(header: string | undefined, bodySeconds: number | undefined): number | undefined {
  if (header !== undefined) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(header);
    if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  }
  return bodySeconds !== undefined && bodySeconds >= 0 ? bodySeconds * 1000 : undefined;
}
