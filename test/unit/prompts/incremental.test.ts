import { strict as assert } from 'node:assert';
import { analyzeFile, type FileAnalysis } from '../../../src/core/prompts';
import { opts } from './helpers';

const BASE = [
  '@defaults --ar 16:9',
  '@var who = a fox',
  '### one',
  '{{who}} in snow --s 2000',
  'a {red, blue} car --ar16:9',
  '### two',
  '@prefix photo of',
  'a lighthouse --stlyize 3',
  'refs/a.png a cat',
  'plain prompt',
].join('\n');

function comparable(a: FileAnalysis): unknown {
  return {
    diagnostics: a.diagnostics,
    jobs: a.jobs,
    prompts: a.prompts.map((p) => [p.node.line, p.count, p.errors, p.model, p.video, p.jobs, p.parts.words.map((w) => [w.text, w.start])]),
  };
}

describe('prompts incremental re-analysis', () => {
  const edits: [string, (t: string) => string][] = [
    ['no change', (t) => t],
    ['a line inserted at the top', (t) => '# new comment\n' + t],
    ['one character in a prompt', (t) => t.replace('lighthouse', 'Lighthouse')],
    ['a directive changed', (t) => t.replace('@var who = a fox', '@var who = a wolf')],
    ['a block renamed', (t) => t.replace('### two', '### three')],
    ['a default changed', (t) => t.replace('--ar 16:9\n', '--ar 1:1\n')],
    ['a prompt deleted', (t) => t.replace('plain prompt', '')],
    ['a token pasted', (t) => t.replace('plain prompt', 'plain user:1234-fakePastedTokenForTest0')],
  ];
  for (const [what, edit] of edits) {
    it(`gives the same result as a fresh analysis after ${what}`, () => {
      const fileExists = (p: string): boolean => p.endsWith('/a.png');
      const first = analyzeFile(BASE, { ...opts, fileExists });
      const text = edit(BASE);
      const incremental = analyzeFile(text, { ...opts, fileExists, previous: first });
      const fresh = analyzeFile(text, { ...opts, fileExists });
      assert.deepEqual(comparable(incremental), comparable(fresh));
      // And once more on top of the incremental result.
      assert.deepEqual(comparable(analyzeFile(text, { ...opts, fileExists, previous: incremental })), comparable(fresh));
    });
  }

  it('re-checks image paths on disk every time', () => {
    let exists = false;
    const first = analyzeFile('refs/a.png a cat', { ...opts, fileExists: () => exists });
    assert.equal(first.diagnostics[0]?.code, 'image-not-found');
    exists = true;
    assert.deepEqual(analyzeFile('refs/a.png a cat', { ...opts, fileExists: () => exists, previous: first }).diagnostics, []);
  });

  it('ignores a previous analysis made with other options', () => {
    const first = analyzeFile('a cat', { ...opts, defaults: '--ar 1:1' });
    const again = analyzeFile('a cat', { ...opts, defaults: '--ar 2:3', previous: first });
    assert.deepEqual(again.jobs.map((j) => j.request.prompt), ['a cat --ar 2:3']);
  });
});
