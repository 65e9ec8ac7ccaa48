// Shared harness: installs and starts a real VS Code server (code-server's, see ../shared/HARNESS.md),
// packages the extension as a .vsix and installs it, and drives Debian's chromium with Playwright.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const artifactsDir = join(repoRoot, 'artifacts');
export const workspaceDir = join(repoRoot, 'test', 'fixtures', 'workspace');
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
export const extensionId = `${pkg.publisher}.${pkg.name}`;

export function log(...args) {
  console.log('[harness]', ...args);
}

/** The code-server install (cached outside the clone); returns its node_modules/code-server folder. */
export function ensureVsCodeServer() {
  const dir = execFileSync('bash', [join(repoRoot, 'test', 'harness', 'install.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
  return join(dir, 'node_modules', 'code-server');
}

export async function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** Builds the production bundles and packages the .vsix exactly as it ships. */
export function packageVsix() {
  const out = join(repoRoot, 'dist', 'midjourney-studio.vsix');
  execFileSync('node', ['esbuild.mjs', '--production'], { cwd: repoRoot, stdio: 'inherit' });
  execFileSync(join(repoRoot, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--out', out], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  return out;
}

/** A fresh run folder with its own TMPDIR, user settings, and XDG dirs. */
export function makeRunDir(name) {
  const run = mkdtempSync(join(tmpdir(), `mj-${name}-`));
  for (const d of ['user-data/User', 'extensions', 'server-data', 'tmp', 'xdg-config', 'xdg-data']) mkdirSync(join(run, d), { recursive: true });
  writeFileSync(join(run, 'user-data', 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'security.workspace.trust.enabled': false,
    'window.commandCenter': false,
    'chat.commandCenter.enabled': false,
    'workbench.colorTheme': 'Default Dark Modern',
  }, null, 2));
  return run;
}

function envFor(run) {
  return { ...process.env, TMPDIR: join(run, 'tmp'), XDG_CONFIG_HOME: join(run, 'xdg-config'), XDG_DATA_HOME: join(run, 'xdg-data') };
}

/** Installs a .vsix into the run's extensions folder with the server's own CLI. */
export function installVsix(codeServer, run, vsix) {
  execFileSync('node', [join(codeServer, 'lib', 'vscode', 'out', 'server-main.js'),
    '--install-extension', vsix, '--force',
    '--extensions-dir', join(run, 'extensions'), '--server-data-dir', join(run, 'server-data'), '--user-data-dir', join(run, 'user-data'),
  ], { env: envFor(run), stdio: ['ignore', 'pipe', 'pipe'] });
  const installed = JSON.parse(readFileSync(join(run, 'extensions', 'extensions.json'), 'utf8'));
  const entry = installed.find((e) => e.identifier.id.toLowerCase() === extensionId.toLowerCase());
  if (!entry) throw new Error(`${extensionId} is not in extensions.json after installing ${vsix}`);
  return entry.location.path;
}

async function waitForHttp(url, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early with code ${child.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${url}`);
}

/**
 * Starts a VS Code server. kind 'server' = the bare VS Code server (accepts the test payload in the URL);
 * kind 'code-server' = code-server itself, as users run it.
 */
export async function startServer({ codeServer, run, kind = 'server', port, env = {} }) {
  port ??= await freePort();
  const logFile = join(run, `${kind}.log`);
  const args = kind === 'server'
    ? [join(codeServer, 'lib', 'vscode', 'out', 'server-main.js'), '--host', '127.0.0.1', '--port', String(port),
      '--without-connection-token', '--accept-server-license-terms', '--enable-smoke-test-driver', '--disable-telemetry',
      '--server-data-dir', join(run, 'server-data'), '--user-data-dir', join(run, 'user-data'), '--extensions-dir', join(run, 'extensions')]
    : [join(codeServer, 'out', 'node', 'entry.js'), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
      '--config', join(run, 'config.yaml'), '--user-data-dir', join(run, 'user-data'), '--extensions-dir', join(run, 'extensions'),
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened'];
  if (kind === 'code-server') writeFileSync(join(run, 'config.yaml'), 'auth: none\ncert: false\n');
  const child = spawn('node', args, { env: { ...envFor(run), ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const chunks = [];
  child.stdout.on('data', (d) => chunks.push(d));
  child.stderr.on('data', (d) => chunks.push(d));
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(kind === 'server' ? `${url}/version` : `${url}/healthz`, 60_000, child);
  return {
    url, port, child,
    output: () => Buffer.concat(chunks).toString('utf8'),
    async stop() {
      writeFileSync(logFile, Buffer.concat(chunks));
      if (child.exitCode === null) {
        try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
        await new Promise((r) => { const t = setTimeout(r, 5000); child.once('exit', () => { clearTimeout(t); r(); }); });
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      }
    },
  };
}

export async function launchBrowser(run, { viewport = { width: 1400, height: 900 }, colorScheme = 'dark' } = {}) {
  const { chromium } = await import('playwright-core');
  const profile = join(run, 'chromium-profile');
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`chromium not found at ${executablePath}: apt-get install -y chromium`);
  return chromium.launchPersistentContext(profile, {
    executablePath, headless: true, viewport, colorScheme,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/**
 * Stops the demo simulators the extension of this run started in their own processes (they survive
 * the server by design): the processes whose command line runs `simulator` from this run's extensions.
 */
export function stopDetachedSimulators(run) {
  const extensions = join(run, 'extensions');
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmdline;
    try { cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'); } catch { continue; }
    if (cmdline.includes('simulator') && cmdline.some((a) => a.startsWith(extensions))) {
      try { process.kill(Number(pid), 'SIGTERM'); log(`stopped the demo simulator (pid ${pid})`); } catch { /* gone */ }
    }
  }
}

export function writeResult(suite, result) {
  mkdirSync(join(artifactsDir, 'results'), { recursive: true });
  writeFileSync(join(artifactsDir, 'results', `${suite}.json`), JSON.stringify(result, null, 2));
}

export function cleanup(run) {
  if (!process.env.MJ_KEEP_RUN) rmSync(run, { recursive: true, force: true });
}
