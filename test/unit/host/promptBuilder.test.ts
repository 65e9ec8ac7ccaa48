import * as assert from 'node:assert';
import { acceptsRemixPrompt, buildAnimatePrompt, buildImaginePrompt, parseSeed, withDefaultParameters } from '../../../src/host/promptBuilder';

describe('host/promptBuilder', () => {
  it('adds no implicit parameters (no --s 50 by default)', () => {
    assert.deepStrictEqual(buildImaginePrompt({ prompt: ' a cat ' }), { prompt: 'a cat', problems: [] });
  });

  it('assembles image prompts first, then flags in a fixed order', () => {
    const { prompt, problems } = buildImaginePrompt({
      prompt: 'a cat', imagePrompts: ['https://x.test/a.png'], imageWeight: 0, aspectRatio: '16:9', version: '7', stylize: 0,
      chaos: 10, quality: '2', weird: 5, seed: 42, tile: true, raw: true, no: 'dogs', styleReference: 'https://x.test/s.png', styleWeight: 0,
      omniReference: 'https://x.test/o.png', omniWeight: 50,
    });
    assert.deepStrictEqual(problems, []);
    assert.strictEqual(prompt, 'https://x.test/a.png a cat --ar 16:9 --v 7 --s 0 --c 10 --q 2 --weird 5 --seed 42 --tile --raw --no dogs --sref https://x.test/s.png --sw 0 --oref https://x.test/o.png --ow 50 --iw 0');
  });

  it('is version-aware: quality values, --oref only on V7, --cref only on V6', () => {
    assert.match(buildImaginePrompt({ prompt: 'x', version: '7', quality: '.25' }).problems.join(), /not available for version 7/);
    assert.deepStrictEqual(buildImaginePrompt({ prompt: 'x', version: '6.1', quality: '.25' }).problems, []);
    assert.match(buildImaginePrompt({ prompt: 'x', version: '6', omniReference: 'https://x.test/o.png' }).problems.join(), /needs version 7/);
    assert.match(buildImaginePrompt({ prompt: 'x', version: '7', characterReference: 'https://x.test/c.png' }).problems.join(), /version 6 feature/);
    assert.strictEqual(buildImaginePrompt({ prompt: 'x', version: 'niji 6' }).prompt, 'x --niji 6');
    assert.match(buildImaginePrompt({ prompt: 'x', version: '5', imagePrompts: ['https://x.test/a.png'], imageWeight: 2.5 }).problems.join(), /Image weight/);
  });

  it('validates ranges, the seed, the length and an empty prompt', () => {
    assert.match(buildImaginePrompt({ prompt: 'x', seed: 4294967296 }).problems.join(), /Seed/);
    assert.match(buildImaginePrompt({ prompt: 'x', chaos: 101 }).problems.join(), /Chaos/);
    assert.match(buildImaginePrompt({ prompt: '' }).problems.join(), /empty/);
    assert.match(buildImaginePrompt({ prompt: 'y'.repeat(5001) }).problems.join(), /5000/);
    assert.strictEqual(parseSeed('4294967295'), 4294967295);
    assert.strictEqual(parseSeed('4294967296'), undefined);
    assert.strictEqual(parseSeed('-1'), undefined);
    assert.strictEqual(parseSeed('1.5'), undefined);
  });

  it('never repeats a flag the user typed', () => {
    assert.strictEqual(buildImaginePrompt({ prompt: 'x --ar 1:2 --v 6', aspectRatio: '16:9', version: '7' }).prompt, 'x --ar 1:2 --v 6');
  });

  it('appends default parameters the prompt does not set', () => {
    assert.strictEqual(withDefaultParameters('a cat --ar 1:1', '--ar 16:9 --v 7'), 'a cat --ar 1:1 --v 7');
    assert.strictEqual(withDefaultParameters('a cat --niji 6', '--v 7 --s 200'), 'a cat --niji 6 --s 200');
    assert.strictEqual(withDefaultParameters('a cat', ''), 'a cat');
  });

  it('builds --video prompts with the start frame first', () => {
    assert.deepStrictEqual(buildAnimatePrompt({ startUrl: 'https://x.test/a.png', prompt: 'waves', motion: 'high', loop: true, raw: true }), {
      prompt: 'https://x.test/a.png waves --video --motion high --loop --raw', problems: [],
    });
    assert.match(buildAnimatePrompt({ startUrl: 'file.png' }).problems.join(), /http/);
    assert.match(buildAnimatePrompt({ startUrl: 'https://x.test/a.png', endUrl: 'https://x.test/b.png', loop: true }).problems.join(), /Loop/);
  });

  it('knows which buttons take a remix prompt', () => {
    assert.ok(acceptsRemixPrompt('V3'));
    assert.ok(acceptsRemixPrompt('Vary (Strong)'));
    assert.ok(acceptsRemixPrompt('⬅️'));
    assert.ok(!acceptsRemixPrompt('U1'));
    assert.ok(!acceptsRemixPrompt('Upscale (Subtle)'));
  });
});
