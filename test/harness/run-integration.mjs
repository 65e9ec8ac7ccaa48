// Runs test/integration/*.test.ts inside a real VS Code extension host (the VS Code server from the
// code-server package, driven by chromium), against the packaged .vsix installed into that VS Code.
import { execFileSync } from 'node:child_process';
import { format } from 'node:util';
import { join } from 'node:path';
import { ensureVsCodeServer, packageVsix, makeRunDir, installVsix, startServer, launchBrowser, repoRoot, workspaceDir, writeResult, cleanup, log } from './vscode.mjs';

const TIMEOUT_MS = Number(process.env.MJ_INTEGRATION_TIMEOUT_MS ?? 15 * 60_000);

const codeServer = ensureVsCodeServer();
const vsix = packageVsix();
execFileSync('node', ['esbuild.mjs', '--tests'], { cwd: repoRoot, stdio: 'inherit' });
const run = makeRunDir('integration');
const extensionPath = installVsix(codeServer, run, vsix);
log(`installed ${vsix} at ${extensionPath}`);
const server = await startServer({ codeServer, run, kind: 'server', env: { MJ_STUDIO_TEST: '1' } });
const browser = await launchBrowser(run);
let summary = { passes: 0, failures: 1, pending: 0 };
let exitCode = 1;
try {
  const page = browser.pages()[0] ?? await browser.newPage();
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionPath)],
    ['extensionTestsPath', remote(join(repoRoot, 'dist-test', 'integration.js'))],
    ['skipWelcome', 'true'],
  ];
  const done = new Promise((resolve) => {
    void page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = format(...args);
      const m = /MJ_RESULT (\{.*\})/.exec(line);
      if (m) summary = JSON.parse(m[1]);
      else console.log(line);
    });
    void page.exposeFunction('codeAutomationExit', (code) => resolve(code));
  });
  const url = `${server.url}/?folder=${encodeURIComponent(workspaceDir)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  await page.goto(url);
  const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), TIMEOUT_MS));
  const result = await Promise.race([done, timeout]);
  if (result === 'timeout') {
    console.error(`integration tests did not finish within ${TIMEOUT_MS / 1000} s`);
    await page.screenshot({ path: join(repoRoot, 'artifacts', 'integration-timeout.png') }).catch(() => undefined);
  } else exitCode = Number(result) === 0 && summary.failures === 0 ? 0 : 1;
} finally {
  await browser.close().catch(() => undefined);
  await server.stop();
  writeResult('integration', summary);
  if (exitCode !== 0) console.error(server.output().split('\n').slice(-40).join('\n'));
  cleanup(run);
}
console.log(`integration: ${summary.passes} passed, ${summary.failures} failed`);
process.exit(exitCode);
