// Pick best of 4 end to end in plain Node: the real job engine against the real simulator, the
// OpenAI-compatible assistant against the fake endpoint. Checks the buttons actually pressed.
import assert from 'node:assert/strict';
import { request } from 'undici';
import { pickBestOfFour, autopilotForJobs } from '../../../src/core/ai/autopilot';
import { createAiDecisionStore, createEngineDecisionStore, createMemoryKeyValueStore } from '../../../src/core/ai/decisions';
import { createOpenAiCompatibleAssistant } from '../../../src/core/ai/openai-compatible';
import type { AiImage } from '../../../src/core/ai/types';
import { createJobEngine } from '../../../src/core/jobs/engine';
import type { ResultAsset } from '../../../src/core/jobs/model';
import { startSimulator } from '../../../src/simulator';
import { pickReply, startFakeOpenAi, type FakeOpenAi } from '../../fixtures/fake-openai/server';
import { captureLogger, FAKE_KEY } from './helpers';

type Simulator = Awaited<ReturnType<typeof startSimulator>>;
type Engine = ReturnType<typeof createJobEngine>;

describe('pickBestOfFour through the real engine and simulator', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let engine: Engine;
  let fake: FakeOpenAi;
  const log = captureLogger();

  /** Single images straight from the simulator (the media cache is the engine's business). */
  async function readImage(asset: ResultAsset): Promise<AiImage> {
    const url = asset.url.startsWith('https://cdn.midjourney.com/')
      ? `${sim.url}/v1/proxy/cdn-midjourney/?cdnUrl=${encodeURIComponent(asset.url)}`
      : asset.url;
    const response = await request(url, { headers: { authorization: `Bearer ${sim.demoToken}` } });
    const bytes = new Uint8Array(await response.body.arrayBuffer());
    assert.equal(response.statusCode, 200, `GET ${asset.url}`);
    return { bytes, contentType: String(response.headers['content-type'] ?? '') };
  }

  before(async () => {
    sim = await startSimulator({ timeScale: 0.01 });
    engine = createJobEngine({
      apiBaseUrl: sim.url,
      tokens: { getToken: async () => sim.demoToken },
      kv: createMemoryKeyValueStore(),
      options: { pollIntervalMs: 50, maxPollIntervalMs: 200, autoDownload: false, persistDelayMs: 10 },
    });
    await engine.start();
    fake = await startFakeOpenAi();
  });
  after(async () => {
    await engine?.dispose();
    await sim?.close();
    await fake?.close();
    for (const line of log.lines) assert.ok(!line.includes(FAKE_KEY), `key leaked: ${line}`);
  });

  it('upscales the picked quadrant (U3) and animates the upscaled single, never the grid', async () => {
    fake.respond = () => pickReply(3, 'The fox faces the light.');
    const assistant = createOpenAiCompatibleAssistant({ endpoint: fake.url, model: 'fake-vision', getKey: async () => FAKE_KEY, log });
    // As in the extension: the decision is kept on the grid's own record.
    const decisions = createEngineDecisionStore(engine);

    const queued = await engine.submit({ verb: 'imagine', prompt: 'a red fox in fresh snow --ar 3:2' });
    const grid = await engine.waitFor(queued.id);
    assert.equal(grid.state, 'completed', grid.reason);

    const result = await pickBestOfFour(engine, grid.id, assistant, { animate: true, motion: 'High', readImage, decisions, log });
    assert.equal(result.problem, undefined);
    assert.deepEqual(decisions.get(grid.id)?.pickedIndex, 3);
    assert.equal(engine.store.get(grid.id)?.ai?.pickedIndex, 3, 'the grid record carries the decision (sidecar, gallery)');
    assert.ok(engine.store.get(grid.id)?.ai?.reason);

    // The model saw four real JPEG singles.
    const parts = fake.requests.at(-1)?.body.messages?.find((m) => m.role === 'user')?.content;
    assert.ok(Array.isArray(parts));
    const urls = parts.flatMap((p) => (p.type === 'image_url' ? [p.image_url.url] : []));
    assert.equal(urls.length, 4);
    for (const url of urls) assert.match(url, /^data:image\/jpeg;base64,\/9j\//);

    const upscale = await engine.waitFor(result.upscaleJobId ?? '');
    assert.deepEqual(upscale.request, { verb: 'button', parentJobId: grid.jobId, button: 'U3' });
    assert.equal(upscale.parentId, grid.id);
    assert.equal(upscale.state, 'completed', upscale.reason);
    assert.ok(upscale.buttons.includes('Animate (High motion)'));

    const animation = await engine.waitFor(result.animateJobId ?? '');
    assert.equal(animation.request.verb, 'button');
    assert.equal(animation.request.verb === 'button' && animation.request.button, 'Animate (High motion)');
    assert.equal(animation.request.verb === 'button' && animation.request.parentJobId, upscale.jobId);
    assert.notEqual(animation.parentId, grid.id, 'Animate must be pressed on the single, not the grid');
    assert.equal(animation.parentId, upscale.id);
    assert.equal(animation.jobType, 'video');
  });

  it('autopilots every grid of a batch once, as @autopilot / --autopilot runs do', async () => {
    fake.respond = (req) => {
      const text = JSON.stringify(req.body.messages);
      return pickReply(text.includes('lighthouse') ? 1 : 4);
    };
    const assistant = createOpenAiCompatibleAssistant({ endpoint: fake.url, model: 'fake-vision', getKey: async () => FAKE_KEY, log });
    const decisions = createAiDecisionStore(createMemoryKeyValueStore());
    const { jobs } = await engine.submitBatch([
      { request: { verb: 'imagine', prompt: 'a lighthouse in a storm' } },
      { request: { verb: 'imagine', prompt: 'a quiet harbour at dawn' } },
    ]);
    const ids = jobs.map((j) => j.id);
    const outcomes = await autopilotForJobs(engine, ids, assistant, { animate: false, readImage, decisions, log });
    assert.deepEqual(outcomes.map((o) => o.error), [undefined, undefined]);
    const pressed = outcomes.map((o) => {
      const child = engine.store.get(o.result?.upscaleJobId ?? '');
      return child?.request.verb === 'button' ? child.request.button : undefined;
    });
    assert.deepEqual(pressed, ['U1', 'U4']);
    // A second pass finds every grid decided and presses nothing.
    const again = await autopilotForJobs(engine, ids, assistant, { animate: false, readImage, decisions, log });
    assert.deepEqual(again.map((o) => o.result), [undefined, undefined]);
  });
});
