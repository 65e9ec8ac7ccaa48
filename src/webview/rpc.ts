// Requests to the host with ids, one reply each, and a deadline: a request the host never answers
// rejects after `timeoutMs` instead of hanging the UI.
import type { ReplyMessage, RequestBody, ResultFor } from '../shared/galleryProtocol';

export interface Timers {
  setTimeout(fn: () => void, ms: number): number;
  clearTimeout(handle: number): void;
}

export class RequestTimeoutError extends Error {
  constructor(kind: string, ms: number) {
    super(`The extension did not answer "${kind}" within ${Math.round(ms / 1000)} s.`);
    this.name = 'RequestTimeoutError';
  }
}

interface Pending {
  kind: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: number;
}

export class RequestClient {
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly post: (message: { type: 'request'; requestId: string; body: RequestBody }) => void,
    private readonly timers: Timers,
    private readonly timeoutMs: number,
  ) {}

  request<B extends RequestBody>(body: B): Promise<ResultFor<B['kind']>> {
    const requestId = `r${this.nextId++}`;
    return new Promise<ResultFor<B['kind']>>((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        this.pending.delete(requestId);
        reject(new RequestTimeoutError(body.kind, this.timeoutMs));
      }, this.timeoutMs);
      this.pending.set(requestId, { kind: body.kind, resolve: (result) => resolve(result as ResultFor<B['kind']>), reject, timer });
      this.post({ type: 'request', requestId, body });
    });
  }

  /** Settle the request a reply answers; returns false for unknown (late or foreign) replies. */
  settle(reply: ReplyMessage): boolean {
    const pending = this.pending.get(reply.requestId);
    if (!pending) return false;
    this.pending.delete(reply.requestId);
    this.timers.clearTimeout(pending.timer);
    if (!reply.ok) pending.reject(new Error(reply.error));
    else if (reply.result.kind !== pending.kind) pending.reject(new Error(`Unexpected reply "${reply.result.kind}" to "${pending.kind}".`));
    else pending.resolve(reply.result);
    return true;
  }

  get inFlight(): number {
    return this.pending.size;
  }
}
