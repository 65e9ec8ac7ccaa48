// The README's format reference is kept in sync with the parser: every fenced `prompts` example
// must be free of errors, and the `text` block right after it lists exactly the prompts it sends.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expandFile } from '../../../src/core/prompts';

interface Example { line: number; source: string; expected?: string[] }

function examples(): Example[] {
  const readme = readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');
  const start = readme.indexOf('<!-- prompts-format:start -->');
  const end = readme.indexOf('<!-- prompts-format:end -->');
  assert.ok(start >= 0 && end > start, 'README has the prompts-format markers');
  const section = readme.slice(start, end);
  const firstLine = readme.slice(0, start).split('\n').length;
  const fence = /```(\w+)\n([\s\S]*?)```/g;
  const blocks = [...section.matchAll(fence)].map((m) => ({ lang: m[1], body: m[2], line: firstLine + section.slice(0, m.index).split('\n').length - 1 }));
  const out: Example[] = [];
  blocks.forEach((b, i) => {
    if (b.lang !== 'prompts') return;
    const next = blocks[i + 1];
    out.push({ line: b.line, source: b.body, expected: next?.lang === 'text' ? next.body.trimEnd().split('\n') : undefined });
  });
  return out;
}

describe('README .prompts reference', () => {
  const all = examples();

  it('has examples, most with their expected prompts', () => {
    assert.ok(all.length >= 5, `found ${all.length} examples`);
    assert.ok(all.every((e) => e.expected), 'every prompts example is followed by a text block');
  });

  for (const example of all) {
    it(`example at README line ${example.line} parses and expands as documented`, () => {
      const result = expandFile(example.source, { fileDir: '/workspace', fileExists: () => true });
      const errors = result.diagnostics.filter((d) => d.severity !== 'info');
      assert.deepEqual(errors, [], `problems in the example at README line ${example.line}`);
      if (example.expected) assert.deepEqual(result.jobs.map((j) => j.request.prompt), example.expected);
    });
  }
});
