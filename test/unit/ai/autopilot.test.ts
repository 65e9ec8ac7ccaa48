import assert from 'node:assert/strict';
import {
  autopilotAfterCompletion,
  autopilotForJobs,
  judgingPromptFor,
  pickBestOfFour,
  whyNotPickable,
} from '../../../src/core/ai/autopilot';
import { createAiDecisionStore, createMemoryKeyValueStore } from '../../../src/core/ai/decisions';
import { AiError, type AiAssistant, type GridJudgement } from '../../../src/core/ai/types';
import type { ResultAsset } from '../../../src/core/jobs/model';
import { createFakeEngine, type FakeEngine } from './fake-engine';

type ScriptedJudgement = { kind: 'pick'; index: 1 | 2 | 3 | 4; reason: string } | { kind: 'noPick'; reason: string };

function scriptedAssistant(judgement: ScriptedJudgement): AiAssistant & { prompts: string[]; imageCounts: number[] } {
  const seen = { prompts: [] as string[], imageCounts: [] as number[] };
  return {
    ...seen,
    async judgeGrid(images, prompt) {
      seen.prompts.push(prompt);
      seen.imageCounts.push(images.length);
      const answer: GridJudgement = { ...judgement, model: 'scripted' };
      return answer;
    },
    async enhancePrompt(text) {
      return text;
    },
  };
}

describe('pickBestOfFour (flow, in-memory engine)', () => {
  let engine: FakeEngine;
  const read: ResultAsset[] = [];
  const readImage = async (asset: ResultAsset) => {
    read.push(asset);
    return { bytes: new Uint8Array([asset.index]), contentType: 'image/jpeg' };
  };

  beforeEach(() => {
    engine = createFakeEngine();
    read.length = 0;
  });

  it('reads the four singles, presses U<n> on the grid and Animate on the upscaled single', async () => {
    engine.addGrid('g1');
    const assistant = scriptedAssistant({ kind: 'pick', index: 3, reason: 'Best light.' });
    const decisions = createAiDecisionStore(createMemoryKeyValueStore());
    const result = await pickBestOfFour(engine, 'g1', assistant, { animate: true, motion: 'Low', readImage, decisions, now: () => 1234 });

    assert.deepEqual(read.map((a) => [a.kind, a.index]), [['image', 1], ['image', 2], ['image', 3], ['image', 4]]);
    assert.deepEqual(assistant.prompts, ['a red fox in snow --ar 3:2']);
    assert.deepEqual(engine.submitted, [
      { verb: 'button', parentJobId: 'j-g1', button: 'U3' },
      { verb: 'button', parentJobId: `j-${result.upscaleJobId ?? ''}`, button: 'Animate (Low motion)' },
    ]);
    assert.notEqual(engine.submitted[1].verb === 'button' && engine.submitted[1].parentJobId, 'j-g1', 'Animate must not be pressed on the grid');
    assert.deepEqual(result.createdJobIds, [result.upscaleJobId, result.animateJobId]);
    assert.deepEqual(result.decision, { model: 'scripted', reason: 'Best light.', pickedIndex: 3, at: 1234 });
    assert.deepEqual(decisions.get('g1'), result.decision);
    assert.equal(result.problem, undefined);
  });

  it('only upscales when animate is off', async () => {
    engine.addGrid('g1');
    const result = await pickBestOfFour(engine, 'g1', scriptedAssistant({ kind: 'pick', index: 1, reason: 'x' }), { animate: false, readImage });
    assert.deepEqual(engine.submitted.map((r) => r.verb === 'button' && r.button), ['U1']);
    assert.equal(result.animateJobId, undefined);
  });

  it('presses nothing on noPick and records the reason', async () => {
    engine.addGrid('g1');
    const decisions = createAiDecisionStore(createMemoryKeyValueStore());
    const result = await pickBestOfFour(engine, 'g1', scriptedAssistant({ kind: 'noPick', reason: 'No pick: the model did not answer with JSON.' }), {
      animate: true,
      readImage,
      decisions,
    });
    assert.deepEqual(engine.submitted, []);
    assert.deepEqual(result.createdJobIds, []);
    assert.equal(decisions.get('g1')?.pickedIndex, undefined);
    assert.match(decisions.get('g1')?.reason ?? '', /did not answer with JSON/);
  });

  it('does not animate when the upscale failed', async () => {
    engine.addGrid('g1');
    engine.childOutcome = () => ({ state: 'failed', reason: 'Job timed out', buttons: [] });
    const result = await pickBestOfFour(engine, 'g1', scriptedAssistant({ kind: 'pick', index: 2, reason: 'x' }), { animate: true, readImage });
    assert.equal(engine.submitted.length, 1);
    assert.match(result.problem ?? '', /U2 ended failed: Job timed out/);
  });

  it('does not press Animate when the single lacks the button', async () => {
    engine.addGrid('g1');
    engine.childOutcome = () => ({ buttons: ['Upscale (Subtle)'] });
    const result = await pickBestOfFour(engine, 'g1', scriptedAssistant({ kind: 'pick', index: 2, reason: 'x' }), { animate: true, readImage });
    assert.equal(engine.submitted.length, 1);
    assert.match(result.problem ?? '', /no "Animate \(High motion\)" button/);
  });

  it('refuses jobs that are not completed image grids', async () => {
    engine.addGrid('single', { buttons: ['Upscale (Subtle)', 'Animate (High motion)'] });
    engine.addGrid('running', { state: 'running' });
    engine.addGrid('video', { jobType: 'video' });
    engine.addGrid('no-singles', { assets: [{ index: 0, kind: 'grid', url: 'x' }] });
    const assistant = scriptedAssistant({ kind: 'pick', index: 1, reason: 'x' });
    for (const id of ['single', 'running', 'video', 'no-singles', 'missing']) {
      await assert.rejects(pickBestOfFour(engine, id, assistant, { animate: true, readImage }), (e: unknown) => e instanceof AiError && e.code === 'notAGrid');
    }
    assert.deepEqual(assistant.prompts, []);
    assert.equal(whyNotPickable(engine.addGrid('ok')), undefined);
  });

  it('judges a variation grid against its ancestor prompt', () => {
    engine.addGrid('root');
    const variation = engine.addGrid('v', { request: { verb: 'button', parentJobId: 'j-root', button: 'V2' }, verb: 'button', parentId: 'root' });
    assert.equal(judgingPromptFor(engine.store, variation), 'a red fox in snow --ar 3:2');
  });
});

describe('autopilotAfterCompletion / autopilotForJobs (batch runs)', () => {
  const readImage = async () => ({ bytes: new Uint8Array([1]), contentType: 'image/jpeg' });

  it('runs once per completed grid and skips everything else', async () => {
    const engine = createFakeEngine();
    const grid = engine.addGrid('g1');
    const failed = engine.addGrid('g2', { state: 'failed', buttons: [] });
    const decisions = createAiDecisionStore(createMemoryKeyValueStore());
    const assistant = scriptedAssistant({ kind: 'pick', index: 4, reason: 'x' });
    const options = { animate: false, readImage, decisions };

    assert.ok(await autopilotAfterCompletion(engine, grid, assistant, options));
    assert.equal(await autopilotAfterCompletion(engine, grid, assistant, options), undefined, 'a decided grid is not judged again');
    assert.equal(await autopilotAfterCompletion(engine, failed, assistant, options), undefined);
    assert.equal(assistant.prompts.length, 1);
  });

  it('autopilotForJobs waits for each job and reports per job without rejecting', async () => {
    const engine = createFakeEngine();
    engine.addGrid('g1');
    engine.addGrid('g2');
    const outcomes = await autopilotForJobs(engine, ['g1', 'g2', 'nope'], scriptedAssistant({ kind: 'pick', index: 1, reason: 'x' }), {
      animate: true,
      readImage,
      concurrency: 1,
    });
    assert.deepEqual(outcomes.map((o) => [o.jobId, o.result?.createdJobIds.length, o.error === undefined]), [
      ['g1', 2, true],
      ['g2', 2, true],
      ['nope', undefined, false],
    ]);
  });
});

describe('pickBestOfFour when the images cannot be read', () => {
  it('records a noPick with the reason and presses nothing', async () => {
    const engine = createFakeEngine();
    engine.addGrid('g1');
    const assistant = scriptedAssistant({ kind: 'pick', index: 1, reason: 'x' });
    const result = await pickBestOfFour(engine, 'g1', assistant, {
      animate: true,
      readImage: () => Promise.reject(new Error('HTTP 404 from the CDN')),
    });
    assert.equal(result.judgement.kind, 'noPick');
    assert.match(result.decision.reason, /could not be read \(HTTP 404 from the CDN\)/);
    assert.deepEqual(assistant.prompts, [], 'the model is not asked without the images');
    assert.deepEqual(engine.submitted, []);
  });
});
