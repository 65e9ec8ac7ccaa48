// Activation benchmark: require + activate of the shipped (production) dist/extension.js, each run in a
// fresh Node process, median of several runs. VS Code is not available in plain Node, so `vscode` is
// a stand-in that accepts every call (registrations return disposables); what is measured is our own
// code: module evaluation of the bundle plus everything activate() does.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const RUNS = 9;

const child = `
const Module = require('module');
const { performance } = require('perf_hooks');
const os = require('os'); const path = require('path'); const fs = require('fs');
function stand() {
  const fn = function () { return stand(); };
  return new Proxy(fn, {
    get(_t, key) {
      if (key === 'then') return undefined;
      if (key === Symbol.toPrimitive) return () => '';
      if (key === 'dispose') return () => undefined;
      if (key === 'event') return () => ({ dispose() {} });
      return stand();
    },
    set() { return true; },
    apply() { return stand(); },
    construct() { return stand(); },
    // esbuild's __toESM wrapper copies own keys and looks the rest up on the prototype: answer there too.
    getPrototypeOf() { return standProto; },
  });
}
const standProto = new Proxy({}, { get: (_t, key) => (key === 'then' ? undefined : stand()) });
// Paths must be real strings: a small Uri is the one real piece of the stand-in.
const Uri = {
  file: (p) => ({ scheme: 'file', fsPath: p, path: p, toString: () => 'file://' + p, with: () => Uri.file(p) }),
  joinPath: (base, ...parts) => Uri.file(path.join(base.fsPath, ...parts)),
  parse: (text) => Uri.file(text.replace('file://', '')),
};
const vscodeStand = stand();
const vscode = Object.create(new Proxy({}, { get: (_t, key) => (key === 'Uri' ? Uri : key === 'then' ? undefined : vscodeStand[key]) }));
const resolve = Module._resolveFilename;
Module._resolveFilename = function (req, ...rest) { return req === 'vscode' ? 'vscode' : resolve.call(this, req, ...rest); };
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };
const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'mj-act-'));
const memento = { get: (k, d) => d, update: async () => undefined, keys: () => [], setKeysForSync() {} };
const context = { subscriptions: [], extensionPath: ${JSON.stringify(root)}, extensionUri: vscode.Uri.file(${JSON.stringify(root)}),
  globalStorageUri: vscode.Uri.file(storage), storageUri: vscode.Uri.file(storage), logUri: vscode.Uri.file(storage),
  globalStoragePath: storage, storagePath: storage, logPath: storage,
  globalState: memento, workspaceState: memento, secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined, onDidChange: () => ({ dispose() {} }) },
  extensionMode: 1, extension: { packageJSON: require(${JSON.stringify(join(root, 'package.json'))}) }, asAbsolutePath: (p) => path.join(${JSON.stringify(root)}, p) };
const t0 = performance.now();
const ext = require(${JSON.stringify(join(root, 'dist', 'extension.js'))});
const t1 = performance.now();
Promise.resolve(ext.activate(context)).then(() => {
  const t2 = performance.now();
  const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\\\/](undici|zod)/.test(k)).length;
  process.stdout.write(JSON.stringify({ require: t1 - t0, activate: t2 - t1, heavyModulesLoaded: loaded }));
  process.exit(0);
}, (e) => { console.error(e); process.exit(1); });
`;

if (!process.env.MJ_BENCH_DEV) execFileSync("node", ["esbuild.mjs", "--production"], { cwd: root, stdio: "ignore" });
const samples = [];
for (let i = 0; i < RUNS; i++) samples.push(JSON.parse(execFileSync('node', ['-e', child], { cwd: root, encoding: 'utf8' })));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const req = median(samples.map((s) => s.require));
const act = median(samples.map((s) => s.activate));
console.log(`activation: require ${req.toFixed(1)} ms + activate ${act.toFixed(1)} ms = ${(req + act).toFixed(1)} ms (median of ${RUNS} fresh processes, production bundle)`);
for (const f of ['extension.js', 'runtime.js', 'simulator.js', 'cli.js', 'webview.js']) {
  console.log(`bundle: dist/${f.padEnd(14)} ${(statSync(join(root, 'dist', f)).size / 1024).toFixed(1).padStart(8)} KiB (minified)`);
}
