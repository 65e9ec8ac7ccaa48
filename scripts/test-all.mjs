// `npm test`: typecheck, lint, unit tests (plain Node), fault-injection suite, integration tests in a
// real VS Code, and e2e tests in chromium — in that order (never in parallel on 2 cores). Ends with
// one line `N passed, N failed` summing every suite, for CI.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const results = join(root, 'artifacts', 'results');
rmSync(results, { recursive: true, force: true });
let passed = 0;
let failed = 0;
const failedStages = [];

function stage(name, cmd, args, count) {
  console.log(`\n=== ${name}: ${[cmd, ...args].join(' ')}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: count === 'mocha' ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (count === 'mocha') process.stdout.write(r.stdout ?? '');
  let p = 0;
  let f = 0;
  if (count === 'mocha') {
    p = Number(/(\d+) passing/.exec(r.stdout ?? '')?.[1] ?? 0);
    f = Number(/(\d+) failing/.exec(r.stdout ?? '')?.[1] ?? 0);
    const pending = Number(/(\d+) pending/.exec(r.stdout ?? '')?.[1] ?? 0);
    if (pending > 0) { console.error(`${name}: ${pending} pending (skipped) test(s) — skipped tests are defects`); f += pending; }
  } else if (count) {
    const file = join(results, `${count}.json`);
    if (existsSync(file)) ({ passes: p, failures: f } = JSON.parse(readFileSync(file, 'utf8')));
  } else {
    p = r.status === 0 ? 1 : 0;
  }
  if (r.status !== 0 && f === 0) f = 1;
  passed += p;
  failed += f;
  if (r.status !== 0) failedStages.push(name);
  console.log(`=== ${name}: ${r.status === 0 ? 'ok' : `FAILED (exit ${r.status})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const npx = (bin) => join(root, 'node_modules', '.bin', bin);
stage('build', 'node', ['esbuild.mjs']);
stage('typecheck', npx('tsc'), ['-p', '.', '--noEmit']);
stage('typecheck webview', npx('tsc'), ['-p', 'tsconfig.webview.json', '--noEmit']);
stage('lint', npx('eslint'), ['src', 'test']);
stage('unit', npx('mocha'), [], 'mocha');
if (existsSync(join(root, 'test', 'faults')) && readdirSync(join(root, 'test', 'faults')).some((f) => f.endsWith('.test.ts'))) {
  stage('faults', npx('mocha'), ['--config', 'test/faults/.mocharc.json'], 'mocha');
}
stage('integration', 'node', ['test/harness/run-integration.mjs'], 'integration');
stage('e2e', 'node', ['--import', 'tsx', 'test/harness/run-e2e.mjs'], 'e2e');

console.log(`\n${failedStages.length ? `failed stages: ${failedStages.join(', ')}` : 'all stages passed'}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failedStages.length ? 1 : 0);
