// Every Studio command driven through vscode.commands.executeCommand against the built-in simulator
// (demo mode), checked in the engine, the Jobs and Channels trees and the notifications. Commands take
// option arguments that bypass their input boxes and quick picks.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { JobRecord } from '../../src/core/jobs/model';
import type { MidjourneyTestApi } from '../../src/extension';
import type { JobsTreeRow } from '../../src/host/views/jobsTree';
import { EXTENSION_ID, sleep, until } from './helpers';


function findRow(rows: readonly JobsTreeRow[], id: string): JobsTreeRow | undefined {
  for (const row of rows) {
    if (row.id === id) return row;
    const inner = findRow(row.children, id);
    if (inner) return inner;
  }
  return undefined;
}

async function run<T>(command: string, ...args: unknown[]): Promise<T> {
  return vscode.commands.executeCommand<T>(command, ...args);
}

describe('commands (demo mode, against the simulator)', function () {
  this.timeout(180_000);
  let api: MidjourneyTestApi;
  let simulatorUrl: string;
  let channel: string;
  let grid: JobRecord;
  let upscale: JobRecord;
  let logLines: readonly string[];
  const wrongToken = 'user:777-WrongTokenForTheSimulator';
  const discordToken = `MTA5ODc2NTQzMjEwOTg3NjU0.GhIjKl.${'Zz9_'.repeat(10)}`;

  /** The job once terminal; fails (naming its state) instead of hanging when it does not finish. */
  const done = async (job: JobRecord | undefined, timeoutMs = 60_000): Promise<JobRecord> => {
    assert.ok(job, 'the command returned a job');
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      return await api.engine.waitFor(job.id, abort.signal);
    } catch (error) {
      const now = api.engine.store.get(job.id);
      throw new Error(`job ${job.id} (${job.verb}) did not finish: ${now?.state ?? 'unknown'} ${now?.reason ?? ''} ${now?.progress ?? ''}% — ${String(error)}`);
    } finally {
      clearTimeout(timer);
    }
  };

  before(async () => {
    api = await vscode.extensions.getExtension<MidjourneyTestApi>(EXTENSION_ID)!.activate();
    logLines = api.captureLog();
    await api.secrets.delete('useapi');
    await api.setSimulatorTimeScale(0.02);
    const backend = await api.backend();
    assert.strictEqual(backend.kind, 'simulator', 'no token: demo mode');
    assert.ok(backend.simulator);
    simulatorUrl = backend.url;
    channel = backend.simulator.admin.channels()[0];
    assert.ok(channel, 'the simulator has a channel');
  });

  it('says demo mode in the status bar', async () => {
    await until('the status bar to show demo mode', () => /demo/.test(api.statusText()));
  });

  it('Imagine → a completed grid with 4 images, shown in the Jobs tree', async () => {
    const queued = await run<JobRecord>('midjourney.imagine', { prompt: 'a red fox in fresh snow', aspectRatio: '3:2', version: '7' });
    assert.strictEqual(queued.request.verb === 'imagine' && queued.request.prompt, 'a red fox in fresh snow --ar 3:2 --v 7');
    grid = await done(queued);
    assert.strictEqual(grid.state, 'completed', grid.reason);
    assert.strictEqual(grid.assets.filter((a) => a.kind === 'image').length, 4);
    assert.ok(grid.buttons.includes('U2'));
    api.jobsTree.rebuild();
    const row = findRow(api.jobsTree.rows(), `job:${grid.id}`);
    assert.ok(row, 'the job is in the tree');
    assert.match(row.contextValue ?? '', /^job:completed:buttons:seedable.*:grid$/);
    const finished = api.jobsTree.rows().find((g) => g.id === 'group:finished');
    assert.ok(finished?.children.some((c) => c.id === `job:${grid.id}`), 'under Finished');
  });

  it('refuses an invalid parameter without submitting', async () => {
    const before = api.engine.store.all().length;
    const result = await run<JobRecord | undefined>('midjourney.imagine', { prompt: 'x', seed: 4294967296 });
    assert.strictEqual(result, undefined);
    assert.strictEqual(api.engine.store.all().length, before);
    assert.ok(api.notifications().some((n) => /Seed/.test(n.message)));
  });

  it('Press Button U2 → a child job linked to its parent, nested under it in the tree', async () => {
    const child = await run<JobRecord>('midjourney.pressButton', { id: grid.id }, 'U2');
    upscale = await done(child);
    assert.strictEqual(upscale.state, 'completed', upscale.reason);
    assert.strictEqual(upscale.parentId, grid.id);
    assert.strictEqual(upscale.parentButton, 'U2');
    assert.ok(upscale.buttons.some((b) => b.startsWith('Animate (')), 'an upscale offers Animate');
    api.jobsTree.rebuild();
    const parentRow = findRow(api.jobsTree.rows(), `job:${grid.id}`);
    assert.ok(parentRow?.children.some((c) => c.id === `job:${upscale.id}`), 'the child is nested under its parent');
  });

  it('Custom Zoom takes its prompt; Vary (Region) without a mask points to the gallery instead of failing', async () => {
    const zoom = await done(await run<JobRecord>('midjourney.pressButton', { id: upscale.id }, 'Custom Zoom', { prompt: 'a red fox in fresh snow --zoom 1.5' }));
    assert.strictEqual(zoom.state, 'completed', zoom.reason);
    assert.strictEqual(zoom.request.verb === 'button' && zoom.request.prompt, 'a red fox in fresh snow --zoom 1.5');
    const before = api.engine.store.all().length;
    const region = run<JobRecord | undefined>('midjourney.pressButton', { id: upscale.id }, 'Vary (Region)');
    // The command waits on an information message (Open in Gallery); nothing is submitted meanwhile.
    await sleep(300);
    assert.strictEqual(api.engine.store.all().length, before, 'no job without a mask');
    await vscode.commands.executeCommand('notifications.clearAll');
    assert.strictEqual(await region, undefined);
  });

  it('Press Button refuses a label the job does not have', async () => {
    const result = await run<JobRecord | undefined>('midjourney.pressButton', { id: grid.id }, 'Upscale (Subtle)');
    assert.strictEqual(result, undefined);
    assert.ok(api.notifications().some((n) => /not one of this job's buttons/.test(n.message)));
  });

  it('Get Seed → the seed of the grid', async () => {
    const seedJob = await run<JobRecord>('midjourney.extractSeed', { id: grid.id }, { action: 'none' });
    assert.ok(seedJob, 'a seed job');
    assert.strictEqual(seedJob.state, 'completed');
    assert.ok(Number.isInteger(seedJob.seed) && seedJob.seed! >= 0 && seedJob.seed! <= 4294967295);
  });

  it('Describe an image from the explorer → 4 prompts', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const image = vscode.Uri.joinPath(folder, 'images', 'red.png');
    const job = await run<JobRecord>('midjourney.describe', image, [image], { action: 'none' });
    assert.ok(job);
    assert.strictEqual(job.state, 'completed', job.reason);
    assert.strictEqual(job.describedPrompts?.length, 4);
  });

  it('Blend two images multi-selected in the explorer', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const images = ['red.png', 'blue.png'].map((n) => vscode.Uri.joinPath(folder, 'images', n));
    const blend = await done(await run<JobRecord>('midjourney.blend', images[0], images, { dimensions: 'Landscape' }));
    assert.strictEqual(blend.state, 'completed', blend.reason);
    assert.strictEqual(blend.request.verb === 'blend' && blend.request.images.length, 2);
    assert.ok(blend.buttons.includes('V1'));
  });

  it('Animate an upscale (Animate button) and a start-frame URL (--video) → videos', async () => {
    const fromButton = await done(await run<JobRecord>('midjourney.animate', { id: upscale.id }, undefined, { motion: 'low' }));
    assert.strictEqual(fromButton.state, 'completed', fromButton.reason);
    assert.strictEqual(fromButton.jobType, 'video');
    assert.strictEqual(fromButton.parentButton, 'Animate (Low motion)');

    const startUrl = grid.assets.find((a) => a.kind === 'image')!.url;
    const fromUrl = await done(await run<JobRecord>('midjourney.animate', { startUrl, motion: 'high', loop: true }));
    assert.strictEqual(fromUrl.request.verb === 'imagine' && fromUrl.request.prompt, `${startUrl} --video --motion high --loop`);
    assert.strictEqual(fromUrl.state, 'completed', fromUrl.reason);
    assert.strictEqual(fromUrl.jobType, 'video');
  });

  it('Set Speed / Toggle Remix / Show Settings reflect the server’s answer in the Channels view', async () => {
    const relax = await run<JobRecord>('midjourney.setSpeed', { channel }, 'relax');
    assert.strictEqual(relax?.settings?.relax, true);
    const remix = await run<JobRecord>('midjourney.toggleRemix', { channel });
    assert.strictEqual(typeof remix?.settings?.remix, 'boolean');
    const settings = await run<JobRecord>('midjourney.showSettings', { channel }, { show: false });
    assert.strictEqual(settings?.settings?.remix, remix.settings?.remix);
    const info = await run<JobRecord>('midjourney.accountInfo', { channel }, { show: false });
    assert.strictEqual(info?.state, 'completed');
    const row = api.channelsTree.rows().find((r) => r.label === channel);
    assert.ok(row, 'the channel is listed');
    assert.match(row.description ?? '', /relax/);
    await run('midjourney.setSpeed', { channel }, 'fast');
  });

  it('Cancel a queued job, and the whole queue', async () => {
    await run('midjourney.pauseQueue');
    try {
      const one = await run<JobRecord>('midjourney.imagine', { prompt: 'never sent 1' });
      const two = await run<JobRecord>('midjourney.imagine', { prompt: 'never sent 2' });
      const three = await run<JobRecord>('midjourney.imagine', { prompt: 'never sent 3' });
      assert.strictEqual(api.engine.store.get(one.id)?.state, 'queued');
      const cancelled = await run<JobRecord>('midjourney.cancelJob', { id: one.id });
      assert.strictEqual(cancelled?.state, 'cancelled');
      assert.strictEqual(await run<number>('midjourney.cancelQueue'), 2);
      assert.strictEqual(api.engine.store.get(two.id)?.state, 'cancelled');
      assert.strictEqual(api.engine.store.get(three.id)?.state, 'cancelled');
      api.jobsTree.rebuild();
      assert.match(findRow(api.jobsTree.rows(), `job:${one.id}`)?.contextValue ?? '', /^job:cancelled/);
    } finally {
      await run('midjourney.resumeQueue');
    }
  });

  it('Retry a cancelled job → a new job that completes', async () => {
    const cancelled = api.engine.store.all().find((j) => j.state === 'cancelled');
    assert.ok(cancelled);
    const retried = await done(await run<JobRecord>('midjourney.retryJob', { id: cancelled.id }));
    assert.notStrictEqual(retried.id, cancelled.id);
    assert.strictEqual(retried.state, 'completed', retried.reason);
  });

  it('Filter and group the Jobs view', async () => {
    assert.strictEqual(await run('midjourney.filterJobs', 'red fox'), 'red fox');
    api.jobsTree.rebuild();
    const shown = api.jobsTree.rows().flatMap((g) => g.children.map((c) => c.label));
    assert.ok(shown.length > 0 && shown.every((l) => /red fox/.test(l)), `only matching jobs: ${shown.join(' | ')}`);
    assert.strictEqual(await run('midjourney.filterJobs', ''), '');
    assert.strictEqual(await run('midjourney.groupJobs', 'source'), 'source');
    api.jobsTree.rebuild();
    assert.ok(api.jobsTree.rows().some((g) => g.label === 'Palette and explorer'));
    await run('midjourney.groupJobs', 'state');
  });

  it('Open Result Files, Save Results to Workspace (token-free provenance sidecar), animate a saved file', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const output = vscode.Uri.joinPath(folder, 'midjourney');
    let step = 'download';
    const timer = setTimeout(() => console.log(`save test still at step: ${step}`), 60_000);
    try {
      await until('the results to be downloaded', () => api.engine.store.get(upscale.id)?.assets.some((a) => a.cachedPath));
      step = 'open files';
      const opened = await run<string[]>('midjourney.openJobFiles', { id: upscale.id });
      assert.ok(opened.length >= 1, 'the downloaded files open');
      step = 'save';
      const saved = await run<string[]>('midjourney.saveJobToWorkspace', { id: upscale.id });
      assert.ok(saved.length >= 1);
      for (const path of saved) {
        assert.ok(path.startsWith(output.fsPath), `${path} is inside the output folder`);
        const sidecar = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(`${path}.json`)));
        assert.match(sidecar, /a red fox in fresh snow/);
        assert.doesNotMatch(sidecar, /user:\d+-|Bearer/);
      }
      // A saved result is a valid start frame: its sidecar names the URL it came from.
      step = 'animate the saved file';
      const saved0 = vscode.Uri.file(saved[0]);
      const video = await done(await run<JobRecord>('midjourney.animate', saved0, [saved0], { motion: 'low' }));
      assert.strictEqual(video.jobType, 'video');
      assert.match(video.request.verb === 'imagine' ? video.request.prompt : '', /^https?:\/\/\S+ --video --motion low$/);
    } finally {
      clearTimeout(timer);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(output, { recursive: true, useTrash: false }).then(undefined, () => undefined);
    }
  });

  it('Copy Prompt and Copy Job ID', async () => {
    assert.strictEqual(await run('midjourney.copyPrompt', { id: grid.id }), 'a red fox in fresh snow --ar 3:2 --v 7');
    assert.strictEqual(await vscode.env.clipboard.readText(), 'a red fox in fresh snow --ar 3:2 --v 7');
    assert.strictEqual(await run('midjourney.copyJobId', { id: grid.id }), grid.jobId);
  });

  it('596: the channel shows locked with a Reset action; Reset clears it and the waiting job completes', async () => {
    const backend = await api.backend();
    backend.simulator!.admin.lockChannel(channel, 'Pending mod message');
    const pinned = await run<JobRecord>('midjourney.imagine', { prompt: 'a lighthouse in a storm', channel });
    await until('the channel to show locked', async () => {
      await run('midjourney.refreshAccounts');
      return api.channelsTree.rows().find((r) => r.label === channel && r.contextValue === 'channel:locked');
    });
    const lockedRow = api.channelsTree.rows().find((r) => r.label === channel)!;
    assert.ok(lockedRow.children.some((c) => c.label === 'Locked by Midjourney'), 'a reset row is offered');
    await until('a notification with a Reset Channel action', () => api.notifications().some((n) => n.actions.includes('Reset Channel') && n.message.includes(channel)));
    assert.ok(api.notifications().some((n) => /Discord/.test(n.message) && n.actions.includes('Reset Channel')), 'it tells the user what to do in Discord');

    assert.strictEqual(await run('midjourney.resetChannel', { channel }, { confirmed: true }), true);
    await until('the channel to be unlocked', () => api.channelsTree.rows().find((r) => r.label === channel && r.contextValue === 'channel'));
    const finished = await done(pinned);
    assert.strictEqual(finished.state, 'completed', finished.reason);
  });

  it('Configure a channel with a Discord token and limits, then delete it', async () => {
    const configured = await run<{ channel: string; maxJobs: number; maxVideoJobs: number; discord?: string }>('midjourney.configureAccount', { discord: discordToken, maxJobs: 2, maxImageJobs: 2, maxVideoJobs: 1 });
    assert.ok(configured, 'the service answered');
    assert.strictEqual(configured.maxJobs, 2);
    assert.strictEqual(configured.maxVideoJobs, 1);
    assert.notStrictEqual(configured.discord, discordToken, 'the service shows the token redacted');
    assert.strictEqual(await api.secrets.get('discord'), discordToken, 'kept in secret storage');
    await until('the new channel in the Channels view', () => api.channelsTree.rows().some((r) => r.label === configured.channel));
    assert.strictEqual(await run('midjourney.deleteAccount', { channel: configured.channel }, { confirmed: true }), true);
    await until('the channel to disappear', () => !api.channelsTree.rows().some((r) => r.label === configured.channel));
    await api.secrets.delete('discord');
  });

  it('401 → the user is asked for a token', async () => {
    const config = vscode.workspace.getConfiguration('midjourney');
    await config.update('apiBaseUrl', simulatorUrl, vscode.ConfigurationTarget.Global);
    try {
      assert.strictEqual(await run('midjourney.setApiToken', wrongToken), true);
      await until('the useapi backend', async () => (await api.backend()).kind === 'useapi');
      await run('midjourney.imagine', { prompt: 'refused for lack of a valid token' });
      await until('a notification asking for a token', () => api.notifications().some((n) => /401/.test(n.message) && n.actions.includes('Set API Token')));
    } finally {
      await run('midjourney.signOut', { confirmed: true });
      await config.update('apiBaseUrl', undefined, vscode.ConfigurationTarget.Global);
    }
    await until('demo mode again', async () => (await api.backend()).kind === 'simulator');
    assert.ok(api.engine.store.get(grid.id), 'the demo history is back');
  });

  it('demo mode "never" without a token → the user is asked for a token; "auto" brings the demo back', async () => {
    const config = vscode.workspace.getConfiguration('midjourney');
    await config.update('demoMode', 'never', vscode.ConfigurationTarget.Global);
    try {
      assert.strictEqual(await run('midjourney.imagine', { prompt: 'no backend for this' }), undefined);
      await until('a notification asking for a token', () => api.notifications().some((n) => /no useapi\.net API token/.test(n.message) && n.actions.includes('Set API Token')));
      assert.strictEqual(api.backendStarted(), false, 'the demo engine stopped serving');
      await until('the status bar to say no token', () => /no token/.test(api.statusText()));
    } finally {
      await config.update('demoMode', undefined, vscode.ConfigurationTarget.Global);
    }
    await until('demo mode again', async () => (await api.backend()).kind === 'simulator');
  });

  it('never writes a token to the log, notifications, settings, webview messages or job records', async () => {
    const secrets = [wrongToken, discordToken, 'user:1-simulatorDemoToken0000'];
    assert.ok(logLines.length > 10, 'the log was captured');
    const gallery = api.gallery.panelForTest();
    const texts = [
      ...logLines,
      ...api.notifications().map((n) => n.message),
      JSON.stringify(vscode.workspace.getConfiguration('midjourney')),
      // What the webviews were sent (their state is built from these messages).
      JSON.stringify(gallery.panelMessages()),
      JSON.stringify(gallery.latestMessages()),
      JSON.stringify(api.engine.store.all()),
    ];
    for (const secret of secrets) {
      const leaks = texts.filter((t) => t.includes(secret));
      assert.deepStrictEqual(leaks, [], `a token leaked into: ${leaks[0]?.slice(0, 80)}`);
    }
  });

  it('Clear History removes finished jobs from the engine and the tree', async () => {
    const finished = api.engine.store.all().filter((j) => j.state === 'completed').length;
    assert.ok(finished > 0);
    const removed = await run<number>('midjourney.clearHistory', { confirmed: true });
    assert.ok(removed >= finished, `${removed} removed`);
    assert.strictEqual(api.engine.store.all().filter((j) => j.state === 'completed').length, 0);
    api.jobsTree.rebuild();
    assert.ok(!api.jobsTree.rows().some((g) => g.id === 'group:finished'));
  });
});
