// AI assist inside a real VS Code: inert until `midjourney.ai.enabled`, then "Pick best of 4" works
// against a fake OpenAI-compatible server started here, through the extension's own engine (demo
// backend: the built-in simulator).
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { AutopilotJobOutcome, AutopilotResult } from '../../src/core/ai/autopilot';
import type { JobRecord } from '../../src/core/jobs/model';
import type { MidjourneyTestApi } from '../../src/extension';
import { pickReply, startFakeOpenAi, type FakeOpenAi } from '../fixtures/fake-openai/server';
import { EXTENSION_ID, until } from './helpers';

const ENHANCE_TITLE = 'Enhance prompt (AI)';
const FAKE_KEY = 'sk-test-fake-key-0000-integration';

async function setAi(values: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration('midjourney.ai');
  for (const [key, value] of Object.entries(values)) await config.update(key, value, vscode.ConfigurationTarget.Global);
}

async function enhanceActionsAt(document: vscode.TextDocument, line: number): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider',
    document.uri,
    new vscode.Range(line, 0, line, 0),
  );
  return (actions ?? []).filter((a): a is vscode.CodeAction => a.title === ENHANCE_TITLE);
}


describe('AI assist (opt-in)', function () {
  this.timeout(120_000);
  let fake: FakeOpenAi;

  before(async () => {
    fake = await startFakeOpenAi();
    fake.respond = () => pickReply(2, 'The fox is sharpest in image 2.');
  });
  after(async () => {
    await setAi({ enabled: undefined, provider: undefined, endpoint: undefined, model: undefined, autoAnimate: undefined });
    await fake.close();
  });

  it('is inert while midjourney.ai.enabled is false: commands refuse, no code action, no network', async () => {
    await setAi({ enabled: false, provider: 'openai-compatible', endpoint: fake.url, model: 'fake-vision' });
    const document = await vscode.workspace.openTextDocument({ language: 'prompts', content: '# castles\na castle at dusk --v 7\n' });
    assert.deepStrictEqual(await enhanceActionsAt(document, 1), []);
    assert.strictEqual(await vscode.commands.executeCommand('midjourney.pickBestOfFour', { id: 'no-such-job' }), undefined);
    assert.strictEqual(await vscode.commands.executeCommand('midjourney.enhancePrompt', { uri: document.uri.toString(), line: 1 }), undefined);
    assert.strictEqual(await vscode.commands.executeCommand('midjourney.ai.autopilotJobs', { ids: ['no-such-job'] }), undefined);
    assert.strictEqual(fake.requests.length, 0, 'nothing may reach the model while AI assist is off');
  });

  it('offers "Enhance prompt (AI)" on prompt lines (not comments) once enabled', async () => {
    await setAi({ enabled: true });
    const document = await vscode.workspace.openTextDocument({ language: 'prompts', content: '# castles\na castle at dusk --v 7\n' });
    assert.strictEqual((await enhanceActionsAt(document, 0)).length, 0);
    const [action] = await enhanceActionsAt(document, 1);
    assert.ok(action, 'expected the code action on a prompt line');
    assert.strictEqual(action.command?.command, 'midjourney.enhancePrompt');
    assert.strictEqual(fake.requests.length, 0, 'offering the action must not call the model');
  });

  it('picks the best of four through the fake endpoint, upscales that image and animates the single', async () => {
    const api = await vscode.extensions.getExtension<MidjourneyTestApi>(EXTENSION_ID)!.activate();
    await setAi({ enabled: true, provider: 'openai-compatible', endpoint: fake.url, model: 'fake-vision', autoAnimate: true });
    const queued = await vscode.commands.executeCommand<JobRecord>('midjourney.imagine', { prompt: 'a red fox in fresh snow --ar 3:2' });
    assert.ok(queued?.id, 'imagine returned the queued job');
    const grid = await api.engine.waitFor(queued.id);
    assert.strictEqual(grid.state, 'completed', grid.reason);
    // The judge reads the singles from the media cache: wait for the download after completion.
    await until('the four singles in the media cache', () => {
      const singles = api.engine.store.get(grid.id)?.assets.filter((a) => a.kind === 'image') ?? [];
      return singles.length === 4 && singles.every((a) => a.cachedPath);
    });

    const result = await vscode.commands.executeCommand<AutopilotResult | undefined>('midjourney.pickBestOfFour', { id: grid.id });
    assert.ok(result, 'the command returns what it did');
    assert.strictEqual(fake.requests.length, 1);
    const user = fake.requests[0].body.messages?.find((m) => m.role === 'user');
    assert.ok(user && Array.isArray(user.content));
    assert.strictEqual(user.content.filter((p) => p.type === 'image_url').length, 4);
    assert.deepStrictEqual(result.judgement, { kind: 'pick', index: 2, reason: 'The fox is sharpest in image 2.', model: 'fake-vision' });
    assert.strictEqual(result.decision.pickedIndex, 2);

    const upscale = await api.engine.waitFor(result.upscaleJobId ?? '');
    assert.deepStrictEqual(upscale.request, { verb: 'button', parentJobId: grid.jobId, button: 'U2' });
    assert.strictEqual(upscale.state, 'completed', upscale.reason);
    const animation = api.engine.store.get(result.animateJobId ?? '');
    assert.ok(animation, 'Animate was pressed');
    assert.ok(animation.request.verb === 'button' && animation.request.button === 'Animate (High motion)');
    assert.strictEqual(animation.request.parentJobId, upscale.jobId, 'Animate is pressed on the upscaled single');
    assert.notStrictEqual(animation.request.parentJobId, grid.jobId, 'never on the grid');
  });

  it('autopilots the grids of a run as each completes (the @autopilot path), waiting for their downloads', async () => {
    const api = await vscode.extensions.getExtension<MidjourneyTestApi>(EXTENSION_ID)!.activate();
    await setAi({ enabled: true, provider: 'openai-compatible', endpoint: fake.url, model: 'fake-vision', autoAnimate: false });
    fake.respond = (req) => pickReply(JSON.stringify(req.body.messages).includes('lighthouse') ? 1 : 4);
    const before = fake.requests.length;
    const jobs = await Promise.all(
      ['a lighthouse in a storm', 'a quiet harbour at dawn'].map((prompt) => vscode.commands.executeCommand<JobRecord>('midjourney.imagine', { prompt })),
    );
    // Called right after submitting, as a run of a .prompts file would.
    const outcomes = await vscode.commands.executeCommand<AutopilotJobOutcome[] | undefined>('midjourney.ai.autopilotJobs', { ids: jobs.map((j) => j.id) });
    assert.ok(outcomes);
    assert.deepStrictEqual(outcomes.map((o) => o.error), [undefined, undefined]);
    assert.strictEqual(fake.requests.length - before, 2);
    const pressed = outcomes.map((o) => {
      const child = api.engine.store.get(o.result?.upscaleJobId ?? '');
      return child?.request.verb === 'button' ? child.request.button : undefined;
    });
    assert.deepStrictEqual(pressed, ['U1', 'U4']);
    assert.deepStrictEqual(outcomes.map((o) => o.result?.animateJobId), [undefined, undefined], 'autoAnimate is off');
  });

  it('enhances the prompt under a code action: only the description is rewritten, shown as a diff, then applied', async () => {
    await setAi({ enabled: true, provider: 'openai-compatible', endpoint: fake.url, model: 'fake-vision' });
    fake.respond = () => ({ kind: 'content', content: JSON.stringify({ prompt: 'a weathered stone castle at dusk, warm window light, drifting mist' }) });
    const before = fake.requests.length;
    const document = await vscode.workspace.openTextDocument({ language: 'prompts', content: '# castles\na castle at dusk --ar 16:9 --v 7\n' });
    await vscode.window.showTextDocument(document);
    const [action] = await enhanceActionsAt(document, 1);
    assert.ok(action?.command);
    const args = action.command.arguments as [Record<string, unknown>];
    const diffsShown: string[] = [];
    const watch = vscode.window.tabGroups.onDidChangeTabs((e) => {
      for (const tab of e.opened) if (tab.input instanceof vscode.TabInputTextDiff) diffsShown.push(tab.input.modified.scheme);
    });
    let rewrite: string | undefined;
    try {
      rewrite = await vscode.commands.executeCommand<string | undefined>(action.command.command, { ...args[0], confirm: false });
    } finally {
      watch.dispose();
    }
    assert.deepStrictEqual(diffsShown, ['midjourney-ai-rewrite'], 'the rewrite was shown as a diff first');
    assert.strictEqual(rewrite, 'a weathered stone castle at dusk, warm window light, drifting mist --ar 16:9 --v 7');
    assert.strictEqual(document.getText(), `# castles\n${rewrite}\n`);
    assert.strictEqual(fake.requests.length - before, 1);
    const sent = fake.requests.at(-1)?.body.messages?.find((m) => m.role === 'user')?.content;
    assert.strictEqual(sent, 'a castle at dusk', 'only the description goes to the model');
    const diffOpen = vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputTextDiff);
    assert.strictEqual(diffOpen, false, 'the diff closes once the rewrite is applied');
  });

  it('sends the key from secret storage as a bearer token and never shows or logs it, even when the endpoint echoes it', async () => {
    const api = await vscode.extensions.getExtension<MidjourneyTestApi>(EXTENSION_ID)!.activate();
    const log = api.captureLog();
    await setAi({ enabled: true, provider: 'openai-compatible', endpoint: fake.url, model: 'fake-vision', autoAnimate: false });
    assert.strictEqual(await vscode.commands.executeCommand('midjourney.setAiKey', FAKE_KEY), true);
    fake.respond = (req) => ({ kind: 'raw', status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: ${req.authorization ?? ''}` } }) });
    try {
      const queued = await vscode.commands.executeCommand<JobRecord>('midjourney.imagine', { prompt: 'a lantern in the fog' });
      const outcomes = await vscode.commands.executeCommand<AutopilotJobOutcome[] | undefined>('midjourney.ai.autopilotJobs', { ids: [queued.id] });
      assert.strictEqual(fake.requests.at(-1)?.authorization, `Bearer ${FAKE_KEY}`);
      const judgement = outcomes?.[0].result?.judgement;
      assert.strictEqual(judgement?.kind, 'noPick');
      assert.match(judgement.reason, /refused the key \(HTTP 401\)/);
      assert.ok(log.some((line) => line.includes('refused the key')), 'the refusal was logged (so the leak check below looked at it)');
      const seen = [JSON.stringify(outcomes), ...log, ...api.notifications().map((n) => JSON.stringify(n)), JSON.stringify(vscode.workspace.getConfiguration('midjourney'))];
      for (const text of seen) assert.ok(!text.includes(FAKE_KEY) && !text.includes('sk-test-fake-key'), `key leaked: ${text.slice(0, 200)}`);
    } finally {
      assert.strictEqual(await vscode.commands.executeCommand('midjourney.setAiKey', ''), true);
    }
  });
});
