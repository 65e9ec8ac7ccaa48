// The main job: code-server with the packaged extension installed, opening a demo workspace. With no
// API token the extension runs against its built-in simulator (demo mode). Prints the URL to open.
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { ensureVsCodeServer, packageVsix, makeRunDir, installVsix, startServer, repoRoot, log } from '../test/harness/vscode.mjs';

const port = Number(process.env.PORT ?? 8080);
const codeServer = ensureVsCodeServer();
const vsix = packageVsix();
const run = makeRunDir('start');
installVsix(codeServer, run, vsix);
// A workspace of the user's own that survives restarts, seeded with the demo prompts.
const workspace = process.env.MJ_WORKSPACE ?? join(homedir(), 'midjourney-studio-demo');
if (!existsSync(workspace)) {
  mkdirSync(workspace, { recursive: true });
  cpSync(join(repoRoot, 'test', 'fixtures', 'workspace', 'demo.prompts'), join(workspace, 'demo.prompts'));
}
const server = await startServer({ codeServer, run, kind: 'code-server', port });
const vscodeVersion = JSON.parse(readFileSync(join(codeServer, 'lib', 'vscode', 'package.json'), 'utf8')).version;
log(`Midjourney Studio is running in code-server (VS Code ${vscodeVersion}).`);
console.log(`\n  Open ${server.url}/?folder=${encodeURIComponent(workspace)}\n`);
console.log('  No API token is set, so the extension uses its built-in simulator (demo mode).');
console.log('  Press Ctrl+C to stop.\n');
const stop = async () => { await server.stop(); process.exit(0); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.child.on('exit', (code) => { console.error(`code-server exited (${code})`); process.exit(code ?? 1); });
