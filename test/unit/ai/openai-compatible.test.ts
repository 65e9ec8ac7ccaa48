import assert from 'node:assert/strict';
import { createOpenAiCompatibleAssistant } from '../../../src/core/ai/openai-compatible';
import { AiError, type AiAssistant } from '../../../src/core/ai/types';
import { pickReply, startFakeOpenAi, type FakeOpenAi } from '../../fixtures/fake-openai/server';
import { captureLogger, FAKE_KEY, fourImages } from './helpers';

describe('OpenAI-compatible assistant (fake server on loopback)', () => {
  let server: FakeOpenAi;
  let log: ReturnType<typeof captureLogger>;
  let assistant: AiAssistant;

  beforeEach(async () => {
    server = await startFakeOpenAi();
    log = captureLogger();
    assistant = createOpenAiCompatibleAssistant({ endpoint: server.url, model: 'fake-vision', getKey: async () => FAKE_KEY, log });
  });
  afterEach(async () => {
    await server.close();
    for (const line of log.lines) assert.ok(!line.includes(FAKE_KEY) && !line.includes('sk-test-fake'), `key leaked into the log: ${line}`);
  });

  it('sends the four images as data: URLs with a bearer key and a json_schema response format', async () => {
    server.respond = () => pickReply(3, 'Strongest light.');
    const judgement = await assistant.judgeGrid(fourImages('image/png'), 'a lighthouse in a storm', 'moody');
    assert.deepEqual(judgement, { kind: 'pick', index: 3, reason: 'Strongest light.', model: 'fake-vision' });

    assert.equal(server.requests.length, 1);
    const request = server.requests[0];
    assert.equal(request.authorization, `Bearer ${FAKE_KEY}`);
    assert.equal(request.body.model, 'fake-vision');
    assert.equal(request.body.response_format?.type, 'json_schema');
    const user = request.body.messages?.find((m) => m.role === 'user');
    assert.ok(user && Array.isArray(user.content));
    const imageUrls = user.content.flatMap((p) => (p.type === 'image_url' ? [p.image_url.url] : []));
    assert.equal(imageUrls.length, 4);
    assert.deepEqual(imageUrls[2], `data:image/png;base64,${Buffer.from([0xff, 0xd8, 3, 3, 3]).toString('base64')}`);
    const text = user.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n');
    assert.match(text, /a lighthouse in a storm/);
    assert.match(text, /moody/);
  });

  it('reports the model the endpoint says answered', async () => {
    server.respond = () => ({ kind: 'content', content: '{"index":1,"reason":"ok"}', model: 'fake-vision-2025-01-01' });
    const judgement = await assistant.judgeGrid(fourImages(), 'p');
    assert.equal(judgement.model, 'fake-vision-2025-01-01');
  });

  const noPickCases: [string, FakeOpenAiReply, RegExp][] = [
    ['non-JSON content', { kind: 'content', content: 'Image 2 is the best one.' }, /did not answer with JSON/],
    ['wrong schema', { kind: 'content', content: '{"choice": 2, "why": "nice"}' }, /did not match the expected shape/],
    ['index 7', { kind: 'content', content: '{"index": 7, "reason": "nice"}' }, /index/],
    ['missing reason', { kind: 'content', content: '{"index": 2}' }, /reason/],
    ['refusing text', { kind: 'content', content: "I can't help with that." }, /did not answer with JSON: "I can't help with that\."/],
    ['a structured refusal', { kind: 'refusal', refusal: "I can't help with that." }, /refused: I can't help with that/],
    ['HTTP 500', { kind: 'raw', status: 500, body: '{"error":{"message":"The server had an error"}}' }, /HTTP 500: The server had an error/],
    ['a 200 that is not a chat completion', { kind: 'raw', status: 200, body: '{"ok":true}' }, /not a chat completion/],
    ['a 200 that is not JSON', { kind: 'raw', status: 200, body: '<html>gateway</html>' }, /not JSON/],
  ];
  for (const [name, reply, reason] of noPickCases) {
    it(`answers noPick with the reason for ${name}`, async () => {
      server.respond = () => reply;
      const judgement = await assistant.judgeGrid(fourImages(), 'p');
      assert.equal(judgement.kind, 'noPick');
      assert.match(judgement.reason, reason);
    });
  }

  it('never puts the key into a reason, an error or the log, even when the endpoint echoes it', async () => {
    server.respond = (req) => ({
      kind: 'raw',
      status: 401,
      body: JSON.stringify({ error: { message: `Incorrect API key provided: ${FAKE_KEY}. Header was ${req.authorization ?? ''}` } }),
    });
    const judgement = await assistant.judgeGrid(fourImages(), 'p');
    assert.equal(judgement.kind, 'noPick');
    assert.match(judgement.reason, /refused the key \(HTTP 401\)/);
    assert.ok(!judgement.reason.includes(FAKE_KEY));
    assert.ok(!judgement.reason.includes('sk-test-fake'));

    const error = await assistant.enhancePrompt('a cat', 'image').then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof AiError);
    assert.equal(error.code, 'unauthorized');
    assert.ok(!error.message.includes(FAKE_KEY) && !(error.stack ?? '').includes(FAKE_KEY));
    assert.ok(log.lines.length > 0);
  });

  it('falls back to instructions-only JSON once when the endpoint rejects response_format', async () => {
    server.respond = (req) =>
      req.body.response_format
        ? { kind: 'raw', status: 400, body: '{"error":{"message":"response_format json_schema is not supported"}}' }
        : pickReply(4);
    const first = await assistant.judgeGrid(fourImages(), 'p');
    assert.equal(first.kind === 'pick' && first.index, 4);
    const second = await assistant.judgeGrid(fourImages(), 'p');
    assert.equal(second.kind === 'pick' && second.index, 4);
    assert.deepEqual(
      server.requests.map((r) => Boolean(r.body.response_format)),
      [true, false, false],
    );
  });

  it('gives up at the deadline with noPick', async () => {
    server.respond = () => ({ kind: 'hang' });
    const quick = createOpenAiCompatibleAssistant({ endpoint: server.url, model: 'm', getKey: async () => FAKE_KEY, log, timeoutMs: 200 });
    const judgement = await quick.judgeGrid(fourImages(), 'p');
    assert.equal(judgement.kind, 'noPick');
    assert.match(judgement.reason, /did not answer within/);
  });

  it('rejects (not noPick) when the caller aborts', async () => {
    server.respond = () => ({ kind: 'hang' });
    const controller = new AbortController();
    const pending = assistant.judgeGrid(fourImages(), 'p', undefined, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, (e: unknown) => e instanceof Error && e.name === 'AbortError');
  });

  it('answers noPick for a connection refused, naming the endpoint without the key', async () => {
    await server.close();
    const judgement = await assistant.judgeGrid(fourImages(), 'p');
    assert.equal(judgement.kind, 'noPick');
    assert.match(judgement.reason, /Could not reach the AI endpoint http:\/\/127\.0\.0\.1/);
    server = await startFakeOpenAi(); // for afterEach
  });

  it('sends no Authorization header without a key (local servers)', async () => {
    const keyless = createOpenAiCompatibleAssistant({ endpoint: server.url, model: 'm', getKey: async () => undefined, log });
    await keyless.judgeGrid(fourImages(), 'p');
    assert.equal(server.requests[0].authorization, undefined);
  });

  it('enhances a prompt from a {"prompt"} reply and rejects unusable rewrites', async () => {
    server.respond = () => ({ kind: 'content', content: '{"prompt":"a misty fjord at dawn, slow aerial push-in, volumetric light"}' });
    assert.equal(await assistant.enhancePrompt('a fjord', 'video'), 'a misty fjord at dawn, slow aerial push-in, volumetric light');
    const system = server.requests[0].body.messages?.find((m) => m.role === 'system');
    assert.equal(typeof system?.content, 'string');
    assert.match(system?.content as string, /video/);

    server.respond = () => ({ kind: 'content', content: "I can't help with that." });
    await assert.rejects(assistant.enhancePrompt('a fjord', 'image'), (e: unknown) => e instanceof AiError && e.code === 'badReply');
  });
});

type FakeOpenAiReply = ReturnType<FakeOpenAi['respond']>;
