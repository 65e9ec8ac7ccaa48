// Security checks in the real VS Code (DESIGN rules 8 and 9): every webview has a strict, nonce'd CSP;
// hostile messages "from the webview" get an error reply and change nothing; the gallery never hands
// the webview a URI outside its cache; and tokens appear nowhere a user or another extension can read
// (log, notifications, settings, sidecars, webview messages, job records) across a full run.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { JobRecord } from '../../src/core/jobs/model';
import type { MidjourneyTestApi } from '../../src/extension';
import type { RunningSimulator } from '../../src/host/demo';
import type { HostToWebview } from '../../src/shared/galleryProtocol';
import { EXTENSION_ID, until } from './helpers';


// Recognizable fake secrets: the middle fragments are what must never show up, even partly redacted.
const DISCORD_FRAGMENT = 'SecurityCanaryDiscordTokenQ7';
const DISCORD_TOKEN = `MTE4OTk5OTk5OTk5OTk5OTk5OTk5.GcAnRy.${DISCORD_FRAGMENT}x_-zz`;
const API_FRAGMENT = 'SecurityCanaryApiToken';
const API_TOKEN = `user:90210-${API_FRAGMENT}42`;
const DEMO_TOKEN_FRAGMENT = 'simulatorDemoToken';

interface Csp {
  directives: Map<string, string[]>;
  nonce: string;
}

/** Reads the CSP <meta> of a webview's HTML and checks what every one of our webviews must have. */
function checkCsp(html: string, where: string): Csp {
  const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)];
  assert.strictEqual(metas.length, 1, `${where}: exactly one CSP meta tag`);
  const policy = metas[0][1].replace(/&#39;|&apos;/g, "'").replace(/&amp;/g, '&');
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';').map((p) => p.trim()).filter(Boolean)) {
    const [name, ...values] = part.split(/\s+/);
    directives.set(name.toLowerCase(), values);
  }
  assert.deepStrictEqual(directives.get('default-src'), ["'none'"], `${where}: default-src 'none'`);
  const scripts = directives.get('script-src');
  assert.ok(scripts, `${where}: a script-src directive`);
  // Only the nonce: no 'unsafe-inline', no 'unsafe-eval', no host or scheme that would admit other scripts.
  assert.strictEqual(scripts.length, 1, `${where}: script-src is the nonce alone, got ${scripts.join(' ')}`);
  const m = /^'nonce-([A-Za-z0-9+/_=-]+)'$/.exec(scripts[0]);
  assert.ok(m, `${where}: script-src is a nonce, got ${scripts[0]}`);
  const nonce = m[1];
  assert.ok(nonce.length >= 16, `${where}: the nonce has at least 96 bits`);
  assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval|unsafe-hashes|wasm-unsafe/, `${where}: nothing unsafe anywhere in the CSP`);
  // Other directives list webview.cspSource (VS Code's own resource origin, e.g. https://*.vscode-cdn.net)
  // and data:/blob: for pictures, but never a bare `*` or a whole scheme such as https:.
  for (const [name, values] of directives) {
    for (const v of values) assert.ok(v !== '*' && !/^(https?|wss?|file|ftp):?$/i.test(v), `${where}: ${name} admits everything via ${v}`);
  }
  assert.ok(!directives.has('script-src-elem') && !directives.has('script-src-attr'), `${where}: no directive widens script-src`);

  const tags = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  assert.ok(tags.length >= 1, `${where}: the front end is loaded by a script tag`);
  for (const [, attrs, body] of tags) {
    assert.ok(attrs.includes(`nonce="${nonce}"`), `${where}: every <script> carries the CSP nonce: <script${attrs}>`);
    assert.match(attrs, /\bsrc="[^"]+"/, `${where}: scripts are files from the extension, not inline`);
    assert.strictEqual(body.trim(), '', `${where}: no inline script body`);
  }
  assert.strictEqual((html.match(/<script\b/gi) ?? []).length, tags.length, `${where}: no unclosed script tag`);
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, `${where}: no inline event handler attribute`);
  assert.doesNotMatch(html, /javascript:/i, `${where}: no javascript: URL`);
  return { directives, nonce };
}

/** Every asset URI the host sent a webview (items of init/delta/page/job replies, lineage thumbnails). */
function assetUris(messages: readonly HostToWebview[]): string[] {
  const uris: string[] = [];
  const fromItem = (item: { assets: { thumb?: string; full?: string }[] }) => {
    for (const a of item.assets) for (const u of [a.thumb, a.full]) if (u !== undefined) uris.push(u);
  };
  for (const message of messages) {
    if (message.type === 'init') message.items.forEach(fromItem);
    else if (message.type === 'delta') message.upserted.forEach(fromItem);
    else if (message.type === 'reply' && message.ok) {
      const result = message.result;
      if (result.kind === 'page') result.items.forEach(fromItem);
      if (result.kind === 'job') {
        fromItem(result.item);
        for (const lineage of [result.parent, ...result.children]) if (lineage?.thumb !== undefined) uris.push(lineage.thumb);
      }
    }
  }
  return uris;
}

function postCount(simulator: RunningSimulator): number {
  return Object.entries(simulator.admin.counters().requests).filter(([k]) => k.startsWith('POST ')).reduce((sum, [, n]) => sum + n, 0);
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

describe('security (CSP, hostile webview messages, tokens)', function () {
  this.timeout(180_000);
  let api: MidjourneyTestApi;
  let simulator: RunningSimulator;
  let logLines: readonly string[];
  let grid: JobRecord;
  let upscale: JobRecord;
  let savedFiles: string[] = [];
  const config = () => vscode.workspace.getConfiguration('midjourney');

  const done = async (job: JobRecord | undefined): Promise<JobRecord> => {
    assert.ok(job, 'the command returned a job');
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 60_000);
    try {
      return await api.engine.waitFor(job.id, abort.signal);
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
    assert.ok(backend.kind === 'simulator' && backend.simulator, 'demo mode');
    simulator = backend.simulator;
  });

  after(async () => {
    // The token first, then the setting, so a token is never set while demo mode is "auto".
    await api.secrets.delete('useapi');
    await api.secrets.delete('discord');
    await config().update('demoMode', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const folder = vscode.workspace.workspaceFolders![0].uri;
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder, 'midjourney'), { recursive: true, useTrash: false }).then(undefined, () => undefined);
  });

  describe('Content Security Policy', () => {
    it('the gallery panel: default-src none, a nonce on every script, nothing inline, a new nonce per load', async () => {
      await api.gallery.openGallery();
      const first = api.gallery.panelForTest().panel;
      assert.ok(first, 'the gallery panel is open');
      const one = checkCsp(first.webview.html, 'gallery panel');
      first.dispose();
      await until('the panel to close', () => api.gallery.panelForTest().panel === undefined);
      await api.gallery.openGallery();
      const second = api.gallery.panelForTest().panel;
      assert.ok(second && second !== first, 'a new panel');
      const two = checkCsp(second.webview.html, 'gallery panel (reopened)');
      assert.notStrictEqual(two.nonce, one.nonce, 'the nonce differs per load');
      // The webview's scripts really run under this policy: the front end says `ready` and gets `init`.
      await until('the gallery webview to load', () => api.gallery.panelForTest().panelMessages().some((m) => m.type === 'init'));
    });

    it('the Latest Results view: the same strict policy, its own nonce', async () => {
      await vscode.commands.executeCommand('midjourney.latest.focus');
      const html = await until('the Latest Results view to resolve', () => api.gallery.panelForTest().latestHtml());
      const latest = checkCsp(html, 'Latest Results view');
      const panel = checkCsp(api.gallery.panelForTest().panel!.webview.html, 'gallery panel');
      assert.notStrictEqual(latest.nonce, panel.nonce, 'each webview has its own nonce');
      await until('the Latest Results webview to load', () => api.gallery.panelForTest().latestMessages().some((m) => m.type === 'init'));
    });

    it('the shipped front end builds no HTML from strings and evaluates no code', async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
      const bundle = await readText(vscode.Uri.joinPath(ext.extensionUri, 'dist', 'webview.js'));
      assert.ok(bundle && bundle.length > 1000, 'dist/webview.js is installed');
      for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'srcdoc', 'new Function', 'eval(']) {
        assert.ok(!bundle.includes(sink), `dist/webview.js uses ${sink}`);
      }
    });
  });

  describe('tokens across a full run', () => {
    it('configure a channel with a Discord token, keep an API token, Imagine + U1 + Save to Workspace', async () => {
      // "always": the simulator stays the backend although an API token is set (backendChoice.ts).
      await config().update('demoMode', 'always', vscode.ConfigurationTarget.Global);
      assert.strictEqual(await vscode.commands.executeCommand('midjourney.setApiToken', API_TOKEN), true);
      assert.strictEqual((await api.backend()).kind, 'simulator', 'still the simulator');
      const channel = await vscode.commands.executeCommand<{ channel: string; discord?: string }>('midjourney.configureAccount', { discord: DISCORD_TOKEN, maxJobs: 3, maxImageJobs: 3, maxVideoJobs: 3 });
      assert.ok(channel?.channel, 'the channel was configured');
      assert.strictEqual(await api.secrets.get('discord'), DISCORD_TOKEN, 'the Discord token is in SecretStorage');
      // A malformed token goes through the error path (log, notification) too.
      const refused = await vscode.commands.executeCommand('midjourney.configureAccount', { discord: `${DISCORD_TOKEN}!`, maxJobs: 3 });
      assert.strictEqual(refused, undefined);
      assert.ok(api.notifications().some((n) => /Discord token/.test(n.message)), 'the user is told why');

      grid = await done(await vscode.commands.executeCommand<JobRecord>('midjourney.imagine', { prompt: 'a lighthouse keeper reading by lamplight' }));
      assert.strictEqual(grid.state, 'completed', grid.reason);
      upscale = await done(await vscode.commands.executeCommand<JobRecord>('midjourney.pressButton', { id: grid.id }, 'U1'));
      assert.strictEqual(upscale.state, 'completed', upscale.reason);
      await until('the upscale to be downloaded', () => api.engine.store.get(upscale.id)?.assets.some((a) => a.cachedPath));
      savedFiles = await vscode.commands.executeCommand<string[]>('midjourney.saveJobToWorkspace', { id: upscale.id });
      assert.ok(savedFiles.length >= 1, 'files were saved');
      // Let the webviews receive their deltas for the new jobs.
      await until('the gallery to show the upscale', () => JSON.stringify(api.gallery.panelForTest().panelMessages()).includes(upscale.id));
    });

    it('no token in the log, notifications, settings, sidecars, webview messages or job records', async () => {
      assert.ok(logLines.length > 5, 'the log was captured');
      const folder = vscode.workspace.workspaceFolders![0].uri;
      const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { configuration: { properties: Record<string, unknown> } } };
      const properties = Object.keys(manifest.contributes.configuration.properties);
      assert.ok(properties.length > 5, 'the contributed settings were found');
      const settings = properties.map((key) => JSON.stringify(vscode.workspace.getConfiguration().inspect(key) ?? null));
      const sidecars: string[] = [];
      for (const file of savedFiles) {
        const text = await readText(vscode.Uri.file(`${file}.json`));
        assert.ok(text !== undefined, `the sidecar of ${file} exists`);
        sidecars.push(text);
      }
      const sources: [string, string][] = [
        ...logLines.map((l): [string, string] => ['log', l]),
        ...api.notifications().map((n): [string, string] => ['notification', `${n.message} ${JSON.stringify(n)}`]),
        ...settings.map((s): [string, string] => ['setting', s]),
        ['workspace settings.json', (await readText(vscode.Uri.joinPath(folder, '.vscode', 'settings.json'))) ?? ''],
        ...sidecars.map((s): [string, string] => ['sidecar', s]),
        ['gallery panel messages', JSON.stringify(api.gallery.panelForTest().panelMessages())],
        ['Latest Results messages', JSON.stringify(api.gallery.panelForTest().latestMessages())],
        ['job records', JSON.stringify(api.engine.store.all())],
        ['channels', JSON.stringify(api.engine.channels())],
        ['status bar', api.statusText()],
      ];
      assert.ok(sources.some(([, t]) => t.includes('a lighthouse keeper reading by lamplight')), 'the run is in what was searched');
      for (const secret of [DISCORD_TOKEN, DISCORD_FRAGMENT, API_TOKEN, API_FRAGMENT, DEMO_TOKEN_FRAGMENT]) {
        const leaks = sources.filter(([, text]) => text.includes(secret));
        assert.deepStrictEqual(leaks.map(([where, text]) => `${where}: ${text.slice(0, 160)}`), [], `"${secret}" leaked`);
      }
    });
  });

  describe('hostile messages from the webview', () => {
    const oversized = 'A'.repeat(2_000_000);
    let before: { store: string; posts: number; favourites: string };
    let logBefore = 0;
    let probes = 0;
    /** What a hostile message could change: the jobs, the service, the favourites (read like the webview does). */
    const snapshot = async () => {
      const requestId = `probe-${probes++}`;
      await api.gallery.panelForTest().sendFromPanel({ type: 'request', requestId, body: { kind: 'page', query: { text: '', status: 'favourites', since: 'any', sourceFile: '' }, offset: 0, limit: 200 } });
      const reply = api.gallery.panelForTest().panelMessages().find((m) => m.type === 'reply' && m.requestId === requestId);
      assert.ok(reply?.type === 'reply' && reply.ok && reply.result.kind === 'page', 'the favourites probe was answered');
      return {
        store: JSON.stringify(api.engine.store.all().map((j) => [j.id, j.state, j.buttons, j.parentId])),
        posts: postCount(simulator),
        favourites: JSON.stringify(reply.result.items.map((i) => i.id)),
      };
    };

    /** Sends a request and returns the one reply that answers it. */
    async function ask(message: unknown, requestId: string): Promise<Extract<HostToWebview, { type: 'reply' }>> {
      await api.gallery.panelForTest().sendFromPanel(message);
      const replies = api.gallery.panelForTest().panelMessages().filter((m): m is Extract<HostToWebview, { type: 'reply' }> => m.type === 'reply' && m.requestId === requestId);
      assert.strictEqual(replies.length, 1, `exactly one reply to ${requestId}`);
      return replies[0];
    }

    beforeEach(async () => {
      assert.ok(upscale, 'the full run made jobs to aim at');
      await until('the gallery panel', () => api.gallery.panelForTest().panel);
      before = await snapshot();
      logBefore = logLines.length;
    });

    afterEach(async () => {
      const after = await snapshot();
      assert.strictEqual(after.posts, before.posts, 'no POST reached the service');
      assert.strictEqual(after.store, before.store, 'the job store is unchanged');
      assert.strictEqual(after.favourites, before.favourites, 'no favourite changed');
      const longest = Math.max(0, ...logLines.slice(logBefore).map((l) => l.length));
      assert.ok(longest < 1000, `a hostile message made a log line of ${longest} characters`);
      assert.strictEqual(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is not polluted');
      assert.strictEqual((Object.prototype as Record<string, unknown>).polluted, undefined);
    });

    const cases: [string, (id: string) => unknown][] = [
      ['a request without a body', (id) => ({ type: 'request', requestId: id })],
      ['an unknown message type', (id) => ({ type: 'evaluate', requestId: id, code: 'process.exit(1)' })],
      ['an unknown request kind', (id) => ({ type: 'request', requestId: id, body: { kind: 'readFile', path: '/etc/passwd' } })],
      ['a file outside the cache by job id', (id) => ({ type: 'request', requestId: id, body: { kind: 'job', id: '../../../../etc/passwd' } })],
      ['a wrong field type', (id) => ({ type: 'request', requestId: id, body: { kind: 'page', query: { text: 1, status: 'all', since: 'any', sourceFile: '' }, offset: 0, limit: 10 } })],
      ['a page larger than allowed', (id) => ({ type: 'request', requestId: id, body: { kind: 'page', query: { text: '', status: 'all', since: 'any', sourceFile: '' }, offset: 0, limit: 1_000_000 } })],
      ['an oversized search text', (id) => ({ type: 'request', requestId: id, body: { kind: 'page', query: { text: oversized, status: 'all', since: 'any', sourceFile: '' }, offset: 0, limit: 10 } })],
      ['an oversized job id', (id) => ({ type: 'request', requestId: id, body: { kind: 'job', id: oversized } })],
      ['a prototype-pollution body', (id) => JSON.parse(`{"type":"request","requestId":"${id}","body":{"kind":"job","id":"x","__proto__":{"polluted":true}}}`) as unknown],
      ['a constructor.prototype key', (id) => ({ type: 'request', requestId: id, body: { kind: 'favourite', id: 'x', favourite: true, constructor: { prototype: { polluted: true } } } })],
      ['a top-level __proto__', (id) => JSON.parse(`{"type":"request","requestId":"${id}","__proto__":{"polluted":true},"body":{"kind":"locate","id":"x","query":{"text":"","status":"all","since":"any","sourceFile":""}}}`) as unknown],
      ['an action that is not allowed', (id) => ({ type: 'request', requestId: id, body: { kind: 'action', action: 'signOut', id: grid.id } })],
      ['an action with an extra command field', (id) => ({ type: 'request', requestId: id, body: { kind: 'action', action: 'copyPrompt', id: grid.id, command: 'workbench.action.terminal.new' } })],
      ['an action for a job that does not exist', (id) => ({ type: 'request', requestId: id, body: { kind: 'action', action: 'retryJob', id: 'no-such-job' } })],
      ['openInGallery for a job that does not exist', (id) => ({ type: 'request', requestId: id, body: { kind: 'openInGallery', id: 'no-such-job' } })],
      ['an oversized unknown key', (id) => ({ type: 'request', requestId: id, body: { kind: 'job', id: grid.id, [oversized]: 1 } })],
      ['a favourite for a job that does not exist', (id) => ({ type: 'request', requestId: id, body: { kind: 'favourite', id: 'no-such-job', favourite: true } })],
      ['a button the job does not have', (id) => ({ type: 'request', requestId: id, body: { kind: 'action', action: 'pressButton', id: grid.id, label: 'U9' } })],
      ['a button of another job', (id) => ({ type: 'request', requestId: id, body: { kind: 'action', action: 'pressButton', id: grid.id, label: 'Upscale (Subtle)' } })],
      ['pressButton without a label', (id) => ({ type: 'request', requestId: id, body: { kind: 'action', action: 'pressButton', id: grid.id } })],
      ['Vary (Region) with a mask that is not base64', (id) => ({ type: 'request', requestId: id, body: { kind: 'action', action: 'pressButton', id: upscale.id, label: 'Vary (Region)', mask: 'not base64! <svg onload=alert(1)>' } })],
      ['Vary (Region) without a mask', (id) => ({ type: 'request', requestId: id, body: { kind: 'action', action: 'pressButton', id: upscale.id, label: 'Vary (Region)' } })],
      ['Custom Zoom with an oversized prompt', (id) => ({ type: 'request', requestId: id, body: { kind: 'action', action: 'pressButton', id: upscale.id, label: 'Custom Zoom', prompt: oversized } })],
    ];
    cases.forEach(([name, build], n) => {
      it(`${name} → an error reply, nothing changed`, async () => {
        const requestId = `hostile-${n}`;
        const reply = await ask(build(requestId), requestId);
        assert.strictEqual(reply.ok, false, `${name} was accepted`);
        if (!reply.ok) {
          assert.ok(reply.error.length > 0 && reply.error.length < 500, `a short error (${reply.error.length} chars), not an echo of a 2 MB input`);
        }
      });
    });

    it('messages that are not objects, or whose request id is unusable, are logged and dropped', async () => {
      const sent = api.gallery.panelForTest().panelMessages().length;
      const warnings = logLines.filter((l) => /rejected a webview message/.test(l)).length;
      const junk: unknown[] = [null, 42, 'ready', [], [{ type: 'ready' }], { type: 'request', requestId: 'r'.repeat(10_000), body: { kind: 'job', id: grid.id } }, { type: 'request', requestId: { toString: 'x' }, body: {} }];
      for (const message of junk) await api.gallery.panelForTest().sendFromPanel(message);
      assert.strictEqual(api.gallery.panelForTest().panelMessages().slice(sent).filter((m) => m.type === 'reply').length, 0, 'no reply without a usable request id');
      assert.strictEqual(logLines.filter((l) => /rejected a webview message/.test(l)).length - warnings, junk.length, 'each one is logged');
    });

    it('a file filter outside the workspace selects nothing and reveals nothing', async () => {
      const reply = await ask({ type: 'request', requestId: 'hostile-filter', body: { kind: 'page', query: { text: '', status: 'all', since: 'any', sourceFile: '/etc/passwd' }, offset: 0, limit: 50 } }, 'hostile-filter');
      assert.ok(reply.ok && reply.result.kind === 'page');
      assert.strictEqual(reply.result.total, 0);
      assert.deepStrictEqual(reply.result.items, []);
    });
  });

  describe('the gallery serves only cached files', () => {
    it('every URI sent to either webview points into the media cache or its thumbnails', async () => {
      const cached = api.engine.store.all().flatMap((j) => j.assets.map((a) => a.cachedPath)).find((p): p is string => p !== undefined);
      assert.ok(cached, 'something was downloaded');
      // <globalStorage>/media/<file>: the webviews may load only from there and gallery-thumbnails/.
      const storage = cached.slice(0, cached.lastIndexOf('/media/'));
      assert.ok(storage.length > 0, `the cache is under a media folder: ${cached}`);
      // Ask for every job so the replies carry full-size and lineage URIs too.
      for (const [n, job] of api.engine.store.all().slice(0, 20).entries()) {
        await api.gallery.panelForTest().sendFromPanel({ type: 'request', requestId: `uri-${n}`, body: { kind: 'job', id: job.id } });
      }
      const uris = [...assetUris(api.gallery.panelForTest().panelMessages()), ...assetUris(api.gallery.panelForTest().latestMessages())];
      assert.ok(uris.length > 0, 'the webviews were sent some pictures');
      for (const uri of uris) {
        const path = decodeURIComponent(vscode.Uri.parse(uri).path);
        const inside = [`${storage}/media/`, `${storage}/gallery-thumbnails/`].some((root) => path.includes(root));
        assert.ok(inside && !path.includes('/../'), `${uri} is outside the cache`);
      }
    });
  });
});
