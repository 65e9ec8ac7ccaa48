// Bundles: extension (node, cjs), gallery webview (browser, iife), CLI and simulator (node, cjs),
// and the integration-test module that runs inside the extension host. `--production` minifies.
import * as esbuild from 'esbuild';
import { statSync, chmodSync, readdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const node = {
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: !production,
  minify: production, legalComments: 'none', logLevel: 'warning',
  // Keep real names in minified code: error classes are named in messages.
  keepNames: true,
};

// Every test/integration/*.test.ts, required lazily so mocha's globals exist when suites load.
const integrationSuites = {
  name: 'integration-suites',
  setup(build) {
    build.onResolve({ filter: /^integration-suites$/ }, () => ({ path: 'integration-suites', namespace: 'suites' }));
    build.onLoad({ filter: /.*/, namespace: 'suites' }, () => {
      const files = readdirSync('test/integration').filter((f) => f.endsWith('.test.ts')).sort();
      const body = files.map((f) => `  require('./${f}');`).join('\n');
      return { contents: `export function loadSuites() {\n${body}\n}\n`, resolveDir: 'test/integration', loader: 'ts' };
    });
  },
};

const bundles = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', './simulator.js', './runtime.js'] },
  // The heavy half (undici, zod, image codecs), required by the extension on first use.
  { ...node, entryPoints: ['src/runtime.ts'], outfile: 'dist/runtime.js', external: ['vscode'] },
  { ...node, entryPoints: ['src/simulator/index.ts'], outfile: 'dist/simulator.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', external: ['./simulator.js'], banner: { js: '#!/usr/bin/env node' } },
  { bundle: true, platform: 'browser', format: 'iife', target: 'chrome120', sourcemap: !production, minify: production,
    legalComments: 'none', logLevel: 'warning', entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js' },
];
const testBundle = { ...node, minify: false, entryPoints: ['test/integration/index.ts'], outfile: 'dist-test/integration.js',
  external: ['vscode', 'mocha'], plugins: [integrationSuites] };
if (process.argv.includes('--tests')) bundles.splice(0, bundles.length, testBundle);
else if (!production) bundles.push(testBundle);

const started = Date.now();
if (watch) {
  for (const b of bundles) await (await esbuild.context(b)).watch();
  console.log('watching…');
} else {
  await Promise.all(bundles.map((b) => esbuild.build(b)));
  if (!process.argv.includes('--tests')) chmodSync('dist/cli.js', 0o755);
  for (const b of bundles) {
    const kib = (statSync(b.outfile).size / 1024).toFixed(1);
    console.log(`${b.outfile.padEnd(28)} ${kib.padStart(8)} KiB`);
  }
  console.log(`built ${bundles.length} bundles in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
}
