// Bench: parse + validate + expand time of .prompts files with 1,000 and 10,000 prompts, and the
// time to re-validate after a one-character edit. Prints figures; asserts nothing about timings.
// Run: npx tsx test/bench/prompts.bench.ts
import { analyzeFile } from '../../src/core/prompts';

const SUBJECTS = ['a red fox in fresh snow', 'an old lighthouse on a cliff at dawn', 'a cyberpunk street market at night, neon rain',
  'portrait of an elven warrior, intricate armour', 'a cosy coffee shop interior, morning light', 'an underwater temple with rays of light'];
const PARAMS = ['--ar 16:9 --s 250', '--ar 2:3 --v 6.1 --q .5', '--c 20 --weird 100 --seed 12345', '--no text, watermark --stylize 500',
  '--sref 123456 --sw 200', '--ar 1:1 --tile --raw', '--oref https://example.com/o.png --ow 150', '--exp 10 --draft --relax'];

function makeFile(prompts: number): string {
  const lines = ['# bench file', '@defaults --v 7 --ar 3:2', '@var mood = cinematic lighting', ''];
  for (let i = 0; i < prompts; i++) {
    if (i % 50 === 0) lines.push('', `### block ${i / 50}`);
    const subject = SUBJECTS[i % SUBJECTS.length];
    const extra = i % 10 === 0 ? ', {{mood}}' : i % 25 === 0 ? ' in {spring, autumn}' : '';
    lines.push(`${subject}${extra}, detailed ${PARAMS[i % PARAMS.length]}`);
  }
  return lines.join('\n') + '\n';
}

function time(fn: () => void, runs: number): { median: number; min: number } {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], min: samples[0] };
}

const options = { fileDir: '/bench', fileExists: () => true };
for (const n of [1000, 10000]) {
  const text = makeFile(n);
  const first = analyzeFile(text, options); // warm-up, and a sanity check of the input
  const runs = n === 1000 ? 40 : 15;
  for (let i = 0; i < 3; i++) analyzeFile(text, options);
  const full = time(() => analyzeFile(text, options), runs);
  const at = text.indexOf('lighthouse', Math.floor(text.length / 2));
  const edited = text.slice(0, at) + 'L' + text.slice(at + 1);
  const edit = time(() => analyzeFile(edited, { ...options, previous: first }), runs);
  const editFull = time(() => analyzeFile(edited, options), runs);
  const errors = first.diagnostics.filter((d) => d.severity === 'error').length;
  console.log(`prompts.bench: ${n.toLocaleString('en')} prompts (${(text.length / 1024).toFixed(0)} KiB, ${first.jobs.length} jobs, ${errors} errors): parse+validate+expand median ${full.median.toFixed(1)} ms (min ${full.min.toFixed(1)} ms)`);
  console.log(`prompts.bench: ${n.toLocaleString('en')} prompts: re-validate after a one-character edit median ${edit.median.toFixed(1)} ms (min ${edit.min.toFixed(1)} ms; unchanged prompts reused from the previous version)`);
  console.log(`prompts.bench: ${n.toLocaleString('en')} prompts: the same edit without the previous version median ${editFull.median.toFixed(1)} ms (min ${editFull.min.toFixed(1)} ms)`);
}
