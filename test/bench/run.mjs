// `npm run bench`: runs every benchmark and prints its figures. Benchmarks print; they never assert times.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = new URL('.', import.meta.url).pathname;
const only = process.argv.slice(2);
const benches = [
  'activation.mjs',
  ...readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort(),
].filter((f) => !only.length || only.some((o) => f.includes(o)));
let failed = 0;
for (const file of benches) {
  console.log(`\n### ${file}`);
  const args = file.endsWith('.ts') ? ['--import', 'tsx', join(dir, file)] : [join(dir, file)];
  const r = spawnSync('node', args, { stdio: 'inherit', cwd: join(dir, '..', '..') });
  if (r.status !== 0) { failed++; console.log(`(${file} exited with ${r.status})`); }
}
process.exit(failed ? 1 : 0);
