import { strict as assert } from 'node:assert';
import { analyzeFile, completeAt, hoverAt, latestRunsByLine, promptStatus, type CompletionCandidate } from '../../../src/core/prompts';
import { opts } from './helpers';

/** Completions at the `|` in text. */
function complete(textWithCursor: string): { items: CompletionCandidate[]; text: string; offset: number } {
  const offset = textWithCursor.indexOf('|');
  const text = textWithCursor.replace('|', '');
  return { items: completeAt(analyzeFile(text, opts), offset), text, offset };
}

function labels(textWithCursor: string): string[] {
  return complete(textWithCursor).items.map((c) => c.label);
}

describe('prompts completion', () => {
  it('offers directives after @ at the start of a line', () => {
    const { items, offset } = complete('@re|');
    assert.ok(items.some((c) => c.label === '@repeat'));
    assert.ok(items.every((c) => c.kind === 'directive' && c.replaceStart === offset - 3));
  });

  it('offers parameters after --, preferring those valid for the model', () => {
    const { items, text } = complete('a cat --|');
    const ar = items.find((c) => c.label === '--ar');
    assert.ok(ar);
    assert.equal(ar.insertText, '--ar ');
    assert.equal(text.slice(ar.replaceStart, ar.replaceEnd), '--');
    assert.equal(items.find((c) => c.label === '--tile')?.insertText, '--tile');
    assert.equal(items.find((c) => c.label === '--oref')?.preferred, true);
    assert.equal(items.find((c) => c.label === '--cref')?.preferred, false, '--cref is not V7');
    assert.equal(complete('a cat --v 6 --|').items.find((c) => c.label === '--cref')?.preferred, true);
    assert.ok(!labels('a cat --|').includes('--upbeta'), 'legacy-only parameters are not offered');
    assert.ok(labels('@defaults --|').includes('--ar'));
  });

  it('offers values for the parameter before the cursor, per model', () => {
    assert.deepEqual(labels('a cat --ar |').slice(0, 3), ['1:1', '16:9', '9:16']);
    assert.deepEqual(labels('a cat --q |'), ['1', '2', '4']);
    assert.deepEqual(labels('a cat --v 6 --q |'), ['.25', '.5', '1']);
    assert.deepEqual(labels('a cat --motion h|'), ['low', 'high']);
    assert.ok(labels('a cat --v |').includes('6.1'));
    assert.deepEqual(labels('a cat --seed |'), []);
  });

  it('offers @var and @template names inside {{ visible at the cursor', () => {
    const items = complete('@var hero = fox\n### b\n@template t = x\n{{|').items;
    assert.deepEqual(items.map((c) => [c.label, c.detail, c.insertText]), [['hero', '@var', 'hero}}'], ['t', '@template', 't}}']]);
    assert.deepEqual(labels('### a\n@var inner = 1\n### b\n{{|'), [], 'a block\'s names end with the block');
  });

  it('offers placeholders in @out and nothing in comments', () => {
    assert.ok(labels('@out {bl|').includes('block'));
    assert.deepEqual(labels('# a cat --|'), []);
  });
});

describe('prompts hover', () => {
  const text = '@defaults --v 6\n@var who = a fox\n{{who}} in snow --q .5 --sref 123\nhttps://x.y/a.png sea --video';
  const a = analyzeFile(text, opts);
  const at = (needle: string, delta = 0): ReturnType<typeof hoverAt> => hoverAt(a, text.indexOf(needle) + delta);

  it('explains a parameter with its range for the prompt model', () => {
    const h = at('--q', 1);
    assert.ok(h);
    assert.match(h.markdown, /\*\*--q\*\* \(also --quality\)/);
    assert.match(h.markdown, /one of \.25, \.5, 1.*\(V6\)/);
    assert.equal(text.slice(h.start, h.end), '--q');
    assert.match(at('.5')?.markdown ?? '', /--q/, 'hovering the value explains its parameter');
  });

  it('explains directives, names, images, and shows the prompts a line sends', () => {
    assert.match(at('@defaults', 1)?.markdown ?? '', /@defaults/);
    assert.match(at('{{who}}', 2)?.markdown ?? '', /a fox/);
    assert.match(at('https://x.y')?.markdown ?? '', /Start frame/);
    const preview = at('in snow')?.markdown ?? '';
    assert.match(preview, /1 job\*\* · V6/);
    assert.match(preview, /a fox in snow --q \.5 --sref 123 --v 6/);
  });
});

describe('prompts status lens text', () => {
  const job = (state: 'queued' | 'running' | 'completed' | 'moderated' | 'failed', extra = {}): Parameters<typeof promptStatus>[0][number] =>
    ({ state, assets: [], ...extra });

  it('says queued / 45 % / moderated / 4 results', () => {
    assert.equal(promptStatus([]), undefined);
    assert.equal(promptStatus([job('queued')]), 'queued');
    assert.equal(promptStatus([job('running', { progress: 45 })]), '45 %');
    assert.equal(promptStatus([job('moderated')]), 'moderated');
    const assets = [0, 1, 2, 3, 4].map((index) => ({ index, kind: index === 0 ? 'grid' as const : 'image' as const, url: 'u' }));
    assert.equal(promptStatus([job('completed', { assets })]), '4 results');
    assert.equal(promptStatus([job('failed', { reason: 'timeout' })]), 'failed: timeout');
    assert.equal(promptStatus([job('running', { progress: 45 }), job('queued'), job('completed', { assets })]), '1 running (45 %), 1 queued, 1 done · 4 results');
  });
});

describe('latestRunsByLine', () => {
  it('groups a file\'s jobs by prompt line and keeps only the latest run (a batch counts as one run)', () => {
    const rec = (id: string, line: number, createdAt: number, batchId?: string, file = '/a.prompts') => ({ id, source: { file, line }, createdAt, batchId });
    const runs = latestRunsByLine([
      rec('old', 1, 1), rec('b1', 1, 5, 'B'), rec('b2', 1, 6, 'B'), rec('other-batch', 1, 4, 'A'),
      rec('single-old', 3, 1), rec('single-new', 3, 9), rec('elsewhere', 3, 10, undefined, '/b.prompts'),
    ], '/a.prompts');
    assert.deepEqual([...runs].map(([line, jobs]) => [line, jobs.map((j) => j.id)]), [[1, ['b1', 'b2']], [3, ['single-new']]]);
  });
});
