import assert from 'node:assert/strict';
import { enhancementFromReply, gridJudgementReplySchema, judgementFromReply } from '../../../src/core/ai/reply';
import { redactSecrets } from '../../../src/core/ai/redact';

describe('AI reply validation', () => {
  it('accepts a pick and a declined pick', () => {
    assert.deepEqual(judgementFromReply('{"index": 3, "reason": "Sharpest."}', 'm'), { kind: 'pick', index: 3, reason: 'Sharpest.', model: 'm' });
    const declined = judgementFromReply('{"index": null, "reason": "All four are blurred."}', 'm');
    assert.equal(declined.kind, 'noPick');
    assert.match(declined.reason, /All four are blurred/);
  });

  it('unwraps one Markdown code fence around the whole reply', () => {
    const j = judgementFromReply('```json\n{"index": 4, "reason": "Colours."}\n```', 'm');
    assert.equal(j.kind === 'pick' && j.index, 4);
  });

  const rejected: [string, string][] = [
    ['index out of range', '{"index": 7, "reason": "x"}'],
    ['index zero', '{"index": 0, "reason": "x"}'],
    ['index as string', '{"index": "2", "reason": "x"}'],
    ['fractional index', '{"index": 2.5, "reason": "x"}'],
    ['missing reason', '{"index": 2}'],
    ['empty reason', '{"index": 2, "reason": "   "}'],
    ['extra field', '{"index": 2, "reason": "x", "confidence": 0.9}'],
    ['array', '[2]'],
    ['prose with a digit', 'In this 2x2 grid, image 3 is best.'],
    ['refusal text', "I can't help with that."],
    ['the predecessor format', 'SELECTED: 2\nREASONING: nice'],
    ['empty reply', ''],
  ];
  for (const [name, text] of rejected) {
    it(`turns ${name} into noPick, never a guess`, () => {
      const j = judgementFromReply(text, 'm');
      assert.equal(j.kind, 'noPick');
      assert.match(j.reason, /^No pick: /);
    });
  }

  it('the schema itself rejects what it must', () => {
    assert.equal(gridJudgementReplySchema.safeParse({ index: 5, reason: 'x' }).success, false);
    assert.equal(gridJudgementReplySchema.safeParse({ index: 1 }).success, false);
    assert.equal(gridJudgementReplySchema.safeParse({ index: 1, reason: 'ok' }).success, true);
  });

  it('enhancement replies: a prompt string, no Midjourney parameters', () => {
    assert.deepEqual(enhancementFromReply('{"prompt": "a misty fjord at dawn,\\n slow drone push-in"}'), { ok: true, value: 'a misty fjord at dawn, slow drone push-in' });
    assert.equal(enhancementFromReply('{"prompt": "a fjord --ar 16:9"}').ok, false);
    assert.equal(enhancementFromReply('Here is your prompt: a fjord').ok, false);
    assert.equal(enhancementFromReply('{"text": "a fjord"}').ok, false);
  });
});

describe('redactSecrets (AI)', () => {
  const key = 'sk-test-fake-key-0000-abcdefghijklmnop';
  it('removes the key, long pieces of it and bearer credentials', () => {
    const out = redactSecrets(`bad key ${key}; provided: sk-test-fake-key****mnop; Authorization: Bearer other-token`, [key]);
    assert.ok(!out.includes(key));
    assert.ok(!out.includes('sk-test-fake-key'));
    assert.ok(!out.includes('other-token'));
    assert.match(out, /bad key \[redacted\]/);
  });
  it('leaves ordinary text alone', () => {
    assert.equal(redactSecrets('The endpoint answered HTTP 500: overloaded', [key]), 'The endpoint answered HTTP 500: overloaded');
  });
});
