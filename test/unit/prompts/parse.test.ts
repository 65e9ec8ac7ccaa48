import { strict as assert } from 'node:assert';
import { parseFile } from '../../../src/core/prompts/parse';
import { analyzeFile } from '../../../src/core/prompts';
import { codes, prompts } from './helpers';

describe('prompts parser', () => {
  it('classifies comments, blocks, directives and prompts with line numbers and offsets', () => {
    const text = '# note\n@defaults --ar 16:9\n\n### first\na cat\n  ### second  \n@var x = y\na dog\n#### not a block\n';
    const parsed = parseFile(text);
    assert.deepEqual(parsed.nodes.map((n) => `${n.kind}@${n.line}`), ['comment@0', 'directive@1', 'block@3', 'prompt@4', 'block@5', 'directive@6', 'prompt@7', 'comment@8']);
    assert.deepEqual(parsed.blocks.map((b) => [b.name, b.line, b.endLine]), [['first', 3, 4], ['second', 5, 9]]);
    const prompt = parsed.prompts[0];
    assert.equal(text.slice(prompt.start, prompt.end), 'a cat');
    assert.equal(prompt.block?.name, 'first');
    const v = parsed.nodes[5];
    assert.ok(v.kind === 'directive' && v.key === 'x' && v.value.text === 'y');
  });

  it('joins continuation lines and maps every character back to its line', () => {
    const text = 'a cat \\\n   on a mat \\\n--ar 16:9\nnext';
    const parsed = parseFile(text);
    assert.equal(parsed.prompts.length, 2);
    const p = parsed.prompts[0];
    assert.equal(p.text.text, 'a cat on a mat --ar 16:9');
    assert.equal([p.line, p.endLine].join(), '0,2');
    const i = p.text.text.indexOf('mat');
    assert.equal(text.slice(p.text.startOf(i), p.text.endOf(i + 3)), 'mat');
    const j = p.text.text.indexOf('16:9');
    assert.equal(parsed.lines.position(p.text.startOf(j)).line, 2);
  });

  it('warns about a continuation with nothing after it', () => {
    assert.deepEqual(codes('a cat \\\n\nnext'), ['dangling-continuation']);
    assert.deepEqual(codes('a cat \\'), ['dangling-continuation']);
    assert.deepEqual(prompts('a cat \\\n\nnext'), ['a cat', 'next']);
    assert.deepEqual(prompts('a \\\\'), ['a \\'], 'an escaped backslash does not continue; it stands for one backslash');
  });

  it('handles CRLF line endings', () => {
    const text = '# c\r\n@defaults --ar 16:9\r\na cat \\\r\n  on a mat\r\n\r\n--ar16:9 x\r\n';
    const a = analyzeFile(text, { fileDir: '/' });
    assert.deepEqual(a.jobs.map((j) => j.request.prompt), ['a cat on a mat --ar 16:9']);
    const d = a.diagnostics.find((x) => x.code === 'missing-space');
    assert.ok(d);
    assert.deepEqual([d.line, d.column, d.endColumn], [5, 0, 8]);
  });

  it('keeps Unicode text intact and counts columns in UTF-16 units like VS Code', () => {
    const text = 'ein Bär im Schnee 🐻‍❄️ --ar 16:9 --zz';
    assert.deepEqual(prompts('ein Bär im Schnee 🐻‍❄️ --ar 16:9'), ['ein Bär im Schnee 🐻‍❄️ --ar 16:9']);
    const d = analyzeFile(text, { fileDir: '/' }).diagnostics[0];
    assert.equal(d.code, 'unknown-parameter');
    assert.equal(text.slice(d.column, d.endColumn), '--zz');
  });

  it('survives broken input without throwing', () => {
    const broken = ['{', '}', '{{', '}}', '{{x', '@', '@ ', '@var', '@var =', '@template t', '--', '—', '\\', '{a,{b,}', '--ar', '--ar :', 'x --sref',
      '###', '### ', '{{a}}{{', '\u0000\u0001', '{,,,}', '{}', 'a ' + '{b, c} '.repeat(30)];
    for (const text of broken) {
      const a = analyzeFile(text, { fileDir: '/', maxExpansion: 40 });
      assert.ok(Array.isArray(a.diagnostics), text);
    }
    const random = Array.from({ length: 300 }, (_, i) => '{}@#\\-—:,{ }ab\n'[(i * 7919) % 15]).join('');
    assert.doesNotThrow(() => analyzeFile(random, { fileDir: '/' }));
  });

  it('parses a huge line', () => {
    const long = 'word '.repeat(20000) + '--ar 16:9';
    const a = analyzeFile(long, { fileDir: '/' });
    assert.deepEqual(a.diagnostics.map((d) => d.code), ['prompt-too-long']);
    assert.equal(a.prompts[0].count, 1);
  });
});
