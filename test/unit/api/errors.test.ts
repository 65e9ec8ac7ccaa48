import assert from 'node:assert/strict';
import {
  BadRequestError,
  BusyError,
  ChannelLockedError,
  ExpiredError,
  ModeratedError,
  NetworkError,
  NotFoundError,
  PaymentRequiredError,
  TimeoutError,
  UnauthorizedError,
  UpstreamError,
  errorFromResponse,
  fromTransportError,
} from '../../../src/core/api/errors';

describe('errorFromResponse (status first, then body)', () => {
  it('maps every documented status to its class with a message that says what to do', () => {
    const cases: [number, string, new (...args: never[]) => Error, RegExp][] = [
      [400, '{"error":"Required param prompt is missing or empty"}', BadRequestError, /prompt is missing.*Fix the request/],
      [401, '{"error":"Unauthorized"}', UnauthorizedError, /Set API Token/],
      [402, '{"error":"Account has no subscription or subscription expired"}', PaymentRequiredError, /Renew/],
      [404, '{"error":"Job not found"}', NotFoundError, /does not know this job/],
      [410, '{"error":"Job x has expired"}', ExpiredError, /62 days/],
      [422, '{"error":"Banned prompt"}', ModeratedError, /Banned prompt.*Change the prompt/],
      [429, '{"error":"All channels are busy, retry later","code":429}', BusyError, /waits in the queue/],
      [596, '{"error":"Pending mod message","channel":"1234567890123456789"}', ChannelLockedError, /1234567890123456789.*Reset Channel/],
      [503, '', UpstreamError, /HTTP 503/],
    ];
    for (const [status, body, type, message] of cases) {
      const error = errorFromResponse(status, body, { resource: 'job' });
      assert.ok(error instanceof type, `${status} → ${error.name}`);
      assert.match(error.message, message);
      assert.equal(error.status, status);
    }
  });

  it('treats 596 explicitly (never as a 5xx) and falls back to the pinned channel', () => {
    const error = errorFromResponse(596, '{"error":"locked"}', { resource: 'other', channel: '111' });
    assert.ok(error instanceof ChannelLockedError);
    assert.equal(error.channel, '111');
  });

  it('reads Retry-After and retry_after', () => {
    const header = errorFromResponse(429, '', { resource: 'other', retryAfterHeader: '7' });
    assert.ok(header instanceof BusyError && header.retryAfterMs === 7000);
    const body = errorFromResponse(429, '{"error":"busy","retry_after":3}', { resource: 'other' });
    assert.ok(body instanceof BusyError && body.retryAfterMs === 3000);
  });

  it('tells a missing account (empty 404) from a missing job', () => {
    const error = errorFromResponse(404, '', { resource: 'account' });
    assert.ok(error instanceof NotFoundError && error.what === 'account');
    assert.match(error.message, /Configure Channel/);
  });

  it('redacts secrets in server texts', () => {
    const error = errorFromResponse(400, '{"error":"bad token user:1234-engineTestToken00000"}', { resource: 'other' });
    assert.ok(!error.message.includes('engineTestToken00000'));
  });

  it('classifies transport errors: refused is certainly not sent, reset is ambiguous, timeouts are timeouts', () => {
    const refused = fromTransportError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }), 'x', 1000);
    assert.ok(refused instanceof NetworkError && refused.certainlyNotSent);
    const reset = fromTransportError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }), 'x', 1000);
    assert.ok(reset instanceof NetworkError && !reset.certainlyNotSent);
    assert.ok(fromTransportError(Object.assign(new Error('t'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), 'x', 1000) instanceof TimeoutError);
  });
});
