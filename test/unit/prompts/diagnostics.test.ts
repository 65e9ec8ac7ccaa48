import { strict as assert } from 'node:assert';
import type { PromptDiagnostic } from '../../../src/core/prompts';
import { applyFix, codes, diagnose } from './helpers';

function only(text: string, code: string, options = {}): PromptDiagnostic {
  const all = diagnose(text, options);
  const hits = all.filter((d) => d.code === code);
  assert.equal(hits.length, 1, `expected one ${code} in ${JSON.stringify(text)}, got ${JSON.stringify(all.map((d) => d.code))}`);
  return hits[0];
}

function fixed(text: string, code: string, options = {}): string {
  return applyFix(text, only(text, code, options));
}

describe('prompts diagnostics and quick fixes', () => {
  it('accepts a clean prompt', () => {
    assert.deepEqual(codes('a cat --ar 16:9 --s 250 --c 10 --q 2 --seed 42 --no text, people --p --stop 80 --exp 10'), []);
  });

  it('unknown-parameter with did-you-mean', () => {
    const d = only('a cat --stlyize 200', 'unknown-parameter');
    assert.match(d.message, /Did you mean --stylize/);
    assert.equal(d.severity, 'error');
    assert.equal(fixed('a cat --stlyize 200', 'unknown-parameter'), 'a cat --stylize 200');
    assert.equal(only('a cat --zzzzzzzz', 'unknown-parameter').fix, undefined);
  });

  it('missing-space for a value glued to its name', () => {
    assert.equal(fixed('a cat --ar16:9', 'missing-space'), 'a cat --ar 16:9');
    assert.equal(fixed('a cat --v7', 'missing-space'), 'a cat --v 7');
    assert.equal(fixed('a cat --chaos50', 'missing-space'), 'a cat --chaos 50');
    assert.deepEqual(codes('a cat --relaxed'), ['unknown-parameter']);
  });

  it('em-dash', () => {
    assert.equal(fixed('a cat —ar 16:9', 'em-dash'), 'a cat --ar 16:9');
  });

  it('missing-value, invalid-value and out-of-range, per model', () => {
    only('a cat --ar', 'missing-value');
    assert.equal(fixed('a cat --ar 16/9', 'invalid-value'), 'a cat --ar 16:9');
    only('a cat --ar 0:1', 'invalid-value');
    assert.equal(fixed('a cat --s 2000', 'out-of-range'), 'a cat --s 1000');
    assert.equal(fixed('a cat --c -5', 'out-of-range'), 'a cat --c 0');
    assert.equal(fixed('a cat --s 10.5', 'invalid-value'), 'a cat --s 11');
    only('a cat --seed 4294967296', 'out-of-range');
    only('a cat --seed abc', 'invalid-value');
    assert.deepEqual(codes('a cat --seed 4294967295'), []);
    // --q differs per model.
    assert.deepEqual(codes('a cat --q 4'), []);
    assert.equal(fixed('a cat --q 4 --v 6', 'out-of-range'), 'a cat --q 1 --v 6');
    assert.deepEqual(codes('a cat --q .25 --v 6.1'), []);
    assert.deepEqual(codes('a cat --q 2 --v 6.1'), []);
    // --iw is 0–3 in V6/V7 and 0–2 for legacy models.
    assert.deepEqual(codes('https://x.y/a.png a cat --iw 3'), []);
    assert.ok(codes('https://x.y/a.png a cat --iw 3 --v 5.2').includes('out-of-range'));
    assert.equal(fixed('a cat --motion hihg --video', 'invalid-value').includes('--motion high'), true);
    only('a cat --style cute', 'invalid-value');
    assert.deepEqual(codes('a cat --style cute --niji 5'), []);
    only('a cat --sv 6 --v 6.1 --sref 123', 'invalid-value');
    only('a cat --sref notacode', 'invalid-value');
    assert.deepEqual(codes('a cat --sref random'), []);
    assert.deepEqual(codes('a cat --sref 123 https://x.y/s.png::2 --sw 50'), []);
  });

  it('text-after-parameters, with a fix that moves the text', () => {
    assert.equal(fixed('a cat --tile on a mat', 'text-after-parameters'), 'a cat on a mat --tile');
    only('a cat --ar 16:9 on a mat', 'text-after-parameters');
  });

  it('duplicate-parameter, also through an alias', () => {
    const text = 'a cat --ar 1:1 --s 50 --aspect 16:9';
    assert.match(only(text, 'duplicate-parameter').message, /given twice/);
    assert.equal(fixed(text, 'duplicate-parameter'), 'a cat --ar 1:1 --s 50');
    const raw = only('a cat --style raw --raw', 'duplicate-parameter');
    assert.equal(raw.severity, 'warning');
    assert.equal(applyFix('a cat --style raw --raw', raw), 'a cat --style raw');
  });

  it('conflicting-parameters', () => {
    only('a cat --v 7 --niji 6', 'conflicting-parameters');
    only('a cat --fast --relax', 'conflicting-parameters');
    only('a cat --public --stealth', 'conflicting-parameters');
    const d = only('https://x.y/a.png run --video --loop --end https://x.y/b.png', 'conflicting-parameters');
    assert.equal(d.severity, 'warning');
  });

  it('version-mismatch: --oref needs V7, --cref not in V7, --draft and --exp are V7 only', () => {
    const oref = only('a cat --oref https://x.y/a.png --v 6.1', 'version-mismatch');
    assert.match(oref.message, /needs V7/);
    assert.equal(fixed('a cat --oref https://x.y/a.png --v 6.1', 'version-mismatch'), 'a cat --cref https://x.y/a.png --v 6.1');
    assert.equal(fixed('a cat --cref https://x.y/a.png', 'version-mismatch'), 'a cat --oref https://x.y/a.png');
    assert.deepEqual(codes('a cat --cref https://x.y/a.png --cw 50 --v 6'), []);
    only('a cat --draft --v 6', 'version-mismatch');
    only('a cat --exp 10 --niji 6', 'version-mismatch');
    only('a cat --hd', 'version-mismatch');
    // The model can come from @defaults.
    assert.match(only('@defaults --v 6.1\na cat --oref https://x.y/a.png', 'version-mismatch').message, /from @defaults/);
  });

  it('requires-video, video-needs-start-frame and not-for-video', () => {
    assert.equal(fixed('https://x.y/a.png waves --motion high', 'requires-video'), 'https://x.y/a.png waves --motion high --video');
    for (const p of ['--loop', '--end https://x.y/e.png', '--bs 2']) only(`https://x.y/a.png waves ${p}`, 'requires-video');
    only('waves crashing --video', 'video-needs-start-frame');
    only('https://x.y/a.png waves --video --tile', 'not-for-video');
    assert.deepEqual(codes('https://x.y/a.png waves --video --motion high --loop --raw --bs 1'), []);
  });

  it('weight-without-reference', () => {
    only('a cat --sw 200', 'weight-without-reference');
    only('a cat --iw 2', 'weight-without-reference');
    only('a cat --v 6 --cw 20', 'weight-without-reference');
    assert.deepEqual(codes('@defaults --sref 123\na cat --sw 200'), []);
  });

  it('use-repeat-directive', () => {
    const d = only('a cat --repeat 4', 'use-repeat-directive');
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /@repeat 4/);
    assert.equal(applyFix('a cat --repeat 4', d), 'a cat');
  });

  it('image-not-found for leading images and reference paths', () => {
    const exists = (p: string): boolean => p === '/ws/prompts/refs/cat.png' || p === '/ws/root.png';
    assert.deepEqual(codes('refs/cat.png a cat', { fileExists: exists }), []);
    assert.deepEqual(codes('root.png a cat', { fileExists: exists, workspaceRoot: '/ws' }), []);
    const d = only('refs/dog.png a dog', 'image-not-found', { fileExists: exists });
    assert.equal(d.column, 0);
    assert.equal(d.endColumn, 'refs/dog.png'.length);
    only('a dog --sref refs/dog.png', 'image-not-found', { fileExists: exists });
    only('a dog --oref ../x.webp', 'image-not-found', { fileExists: exists });
  });

  it('prompt-too-long counts the expanded prompt', () => {
    only(`@prefix ${'x'.repeat(3000)}\n${'y'.repeat(2500)}`, 'prompt-too-long');
    assert.deepEqual(codes('y'.repeat(4990)), []);
  });

  it('empty-prompt', () => {
    only('--ar 16:9 --v 7', 'empty-prompt');
  });

  it('too-many-jobs: permutations × repeat over the limit', () => {
    const d = only('{a,b,c} {d,e,f} {g,h,i} {j,k}', 'too-many-jobs');
    assert.match(d.message, /54 jobs/);
    only('@repeat 11\n{a,b,c,d} x', 'too-many-jobs');
    assert.deepEqual(codes('{a,b,c} {d,e,f} {g,h,i} {j,k}', { maxExpansion: 60 }), []);
  });

  it('unbalanced-braces', () => {
    only('a {red, blue castle', 'unbalanced-braces');
    only('a red} castle', 'unbalanced-braces');
    assert.deepEqual(codes('a \\{red\\} castle'), []);
  });

  it('unknown-name and recursive-template', () => {
    const text = '@var hero = a fox\n{{heroo}} in snow';
    assert.match(only(text, 'unknown-name').message, /Did you mean "hero"/);
    assert.equal(fixed(text, 'unknown-name'), '@var hero = a fox\n{{hero}} in snow');
    only('@template a = {{b}}\n@template b = {{a}}\nx {{a}}', 'recursive-template');
    only('{{later}} x\n@var later = y', 'unknown-name');
  });

  it('secret-in-file: useapi and Discord token shapes, anywhere, fix removes them', () => {
    const useapi = '# my token user:1234-fakePastedTokenForTest0\na cat';
    assert.equal(fixed(useapi, 'secret-in-file'), '# my token \na cat');
    const discord = 'a cat MTA1MjM0NTY3ODkwMTIzNDU2Nw.GAbcde.abcdefghijklmnopqrstuvwxyz0123';
    assert.equal(only(discord, 'secret-in-file').severity, 'error');
    assert.deepEqual(codes('a cat by user:me and version 1.2.3'), []);
  });

  it('directive problems', () => {
    assert.equal(fixed('@repaet 2\na cat', 'unknown-directive'), '@repeat 2\na cat');
    only('@repeat lots\na cat', 'invalid-directive');
    only('@repeat 41\na cat', 'invalid-directive');
    only('@channel a b\na cat', 'invalid-directive');
    only('@var nonsense\na cat', 'invalid-directive');
    only('@autopilot maybe\na cat', 'invalid-directive');
    only('@defaults cinematic --ar 16:9\na cat', 'invalid-default');
    only('@defaults --zz 1\na cat', 'unknown-parameter');
    only('@defaults --s 5000\na cat', 'out-of-range');
    assert.deepEqual(codes('@defaults --q .25\na cat'), [], 'valid for some model: fine in @defaults');
    only('@prefix --ar 1:1 big\na cat', 'parameters-in-text-directive');
    assert.equal(fixed('@out {blok}-{index}\na cat', 'unknown-placeholder'), '@out {block}-{index}\na cat');
  });

  it('duplicate-block-name, dangling-continuation and legacy-model', () => {
    only('### hero\na\n### Hero\nb', 'duplicate-block-name');
    only('a \\', 'dangling-continuation');
    const d = only('a cat --v 5.2', 'legacy-model');
    assert.equal(d.severity, 'info');
  });

  it('reports each problem of a permuted prompt once, at the permutation', () => {
    const all = diagnose('a {red, blue} cat --s {50, 5000}');
    assert.deepEqual(all.map((d) => d.code), ['out-of-range']);
    assert.equal(all[0].column, 'a {red, blue} cat --s {50, '.length);
  });

  it('points problems of inserted text at the {{name}} that inserted it, without a fix', () => {
    const all = diagnose('@template t = --s 5000\na cat {{t}}');
    assert.deepEqual(all.map((d) => [d.code, d.line, d.column, d.endColumn]), [['out-of-range', 1, 6, 11]]);
    assert.equal(all[0].fix, undefined);
  });
});
