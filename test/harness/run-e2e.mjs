// End-to-end: code-server (as users run it) with the packaged .vsix installed, driven by Debian's
// chromium through Playwright. Runs every exported `*Scenario` function of test/e2e/*.e2e.ts in one
// workbench page (a load costs 7–12 s) and saves screenshots under artifacts/e2e/.
// Run with tsx (npm run test:e2e) so scenario files can be TypeScript.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureVsCodeServer, packageVsix, makeRunDir, installVsix, startServer, launchBrowser, repoRoot, workspaceDir, artifactsDir, writeResult, cleanup, log, freePort, stopDetachedSimulators } from './vscode.mjs';

const only = process.argv.slice(2);
const screenshotDir = join(artifactsDir, 'e2e');
rmSync(screenshotDir, { recursive: true, force: true });
mkdirSync(screenshotDir, { recursive: true });

const codeServer = ensureVsCodeServer();
const vsix = packageVsix();
const run = makeRunDir('e2e');
installVsix(codeServer, run, vsix);
// The demo simulator runs in its own process on this port, so scenarios can read its /__sim/ counters.
process.env.MJ_STUDIO_DEMO_PORT ??= String(await freePort());
const server = await startServer({ codeServer, run, kind: 'code-server', env: { MJ_STUDIO_DEMO_PORT: process.env.MJ_STUDIO_DEMO_PORT } });
const browser = await launchBrowser(run);
const { workbench } = await import(pathToFileURL(join(repoRoot, 'test', 'e2e', 'workbench.ts')).href);
let passes = 0;
let failures = 0;
try {
  const page = browser.pages()[0] ?? await browser.newPage();
  page.setDefaultTimeout(60_000);
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspaceDir)}`);
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'demo.prompts' }).waitFor({ state: 'visible', timeout: 90_000 });
  const wb = workbench(page, screenshotDir);
  const files = readdirSync(join(repoRoot, 'test', 'e2e')).filter((f) => f.endsWith('.e2e.ts')).sort();
  for (const file of files) {
    const mod = await import(pathToFileURL(join(repoRoot, 'test', 'e2e', file)).href);
    for (const [name, fn] of Object.entries(mod)) {
      if (!name.endsWith('Scenario') || typeof fn !== 'function') continue;
      if (only.length && !only.some((o) => name.includes(o) || file.includes(o))) continue;
      const started = Date.now();
      try {
        await fn(page, wb);
        passes++;
        log(`✔ ${file} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (err) {
        failures++;
        log(`✘ ${file} ${name}: ${err instanceof Error ? err.stack : err}`);
        await wb.screenshot(`FAILED-${name}`).catch(() => undefined);
        // Leave the workbench usable for the next scenario.
        await page.keyboard.press('Escape').catch(() => undefined);
      }
    }
  }
  if (passes + failures === 0) { failures++; log('no e2e scenario ran'); }
} finally {
  await browser.close().catch(() => undefined);
  await server.stop();
  // It outlives the extension host by design (window reloads); not this run.
  stopDetachedSimulators(run);
  writeResult('e2e', { passes, failures, pending: 0 });
  if (failures) console.error(server.output().split('\n').slice(-30).join('\n'));
  cleanup(run);
}
console.log(`e2e: ${passes} passed, ${failures} failed (screenshots in ${screenshotDir})`);
process.exit(failures ? 1 : 0);
