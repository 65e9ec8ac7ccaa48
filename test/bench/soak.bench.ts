// Soak benchmark (`npm run bench soak`): 2,000 imagine jobs at simulator time scale 0.01 through the
// extension's engine INSIDE a real VS Code extension host (the same harness as the integration tests:
// packaged .vsix, VS Code server from code-server, chromium with a test payload). The work runs in
// test/bench/soak-host.ts; this script builds it, starts everything, relays the host's console and
// prints the figures. Benchmarks print; they never assert times.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import * as esbuild from 'esbuild';

/** What this script uses of test/harness/vscode.mjs (plain JS, so typed here). */
interface Harness {
  repoRoot: string;
  workspaceDir: string;
  ensureVsCodeServer(): string;
  packageVsix(): string;
  makeRunDir(name: string): string;
  installVsix(codeServer: string, run: string, vsix: string): string;
  startServer(options: { codeServer: string; run: string; kind: 'server'; env?: Record<string, string> }): Promise<{ url: string; port: number; stop(): Promise<void>; output(): string }>;
  launchBrowser(run: string): Promise<BrowserContext>;
  writeResult(suite: string, result: unknown): void;
  cleanup(run: string): void;
  log(...args: unknown[]): void;
}
interface Page {
  exposeFunction(name: string, fn: (...args: never[]) => unknown): Promise<void>;
  goto(url: string): Promise<unknown>;
}
interface BrowserContext {
  pages(): Page[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Outer bound: the host stops itself after its budget (9 min); this catches a host that never answers. */
const TIMEOUT_MS = Number(process.env.MJ_SOAK_TIMEOUT_MS ?? 11 * 60_000);

async function main(): Promise<number> {
  const harness = (await import(pathToFileURL(join(__dirname, '..', 'harness', 'vscode.mjs')).href)) as Harness;
  const { repoRoot } = harness;
  const codeServer = harness.ensureVsCodeServer();
  const vsix = harness.packageVsix();
  const tests = join(repoRoot, 'dist-test', 'soak.js');
  await esbuild.build({
    entryPoints: [join(repoRoot, 'test', 'bench', 'soak-host.ts')], outfile: tests,
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: true, logLevel: 'warning', external: ['vscode'],
  });
  const run = harness.makeRunDir('soak');
  const extensionPath = harness.installVsix(codeServer, run, vsix);
  harness.log(`installed ${vsix} at ${extensionPath}`);
  const passOn = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith('MJ_SOAK_') && e[1] !== undefined));
  const server = await harness.startServer({ codeServer, run, kind: 'server', env: { MJ_STUDIO_TEST: '1', ...passOn } });
  const browser = await harness.launchBrowser(run);
  let exitCode = 1;
  let result: { aborted?: boolean } | undefined;
  try {
    const page = browser.pages()[0] ?? await browser.newPage();
    const remote = (p: string): string => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(extensionPath)],
      ['extensionTestsPath', remote(tests)],
      ['skipWelcome', 'true'],
    ];
    const done = new Promise<unknown>((resolve) => {
      void page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
        const line = format(...args);
        const m = /MJ_SOAK (\{.*\})/.exec(line);
        if (m) result = JSON.parse(m[1]) as { aborted?: boolean };
        else if (line.startsWith('SOAK ')) console.log(line);
        else if (process.env.MJ_SOAK_VERBOSE) console.log(line);
      });
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(harness.workspaceDir)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), TIMEOUT_MS); });
    const outcome = await Promise.race([done, timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') console.error(`soak: ABORTED, the extension host did not finish within ${TIMEOUT_MS / 1000} s`);
    else if (Number(outcome) !== 0 || !result) console.error(`soak: the host module failed (exit ${String(outcome)}); rerun with MJ_SOAK_VERBOSE=1 for its console`);
    else exitCode = result.aborted ? 1 : 0;
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    if (result) harness.writeResult('soak', result);
    if (exitCode !== 0) console.error(server.output().split('\n').slice(-20).join('\n'));
    harness.cleanup(run);
  }
  return exitCode;
}

// Not `npm test`: a failed or aborted soak only makes `npm run bench` report it.
main().then((code) => process.exit(code), (error: unknown) => {
  console.error('soak:', error);
  process.exit(1);
});
