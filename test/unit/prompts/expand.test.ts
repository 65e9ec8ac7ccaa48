import { strict as assert } from 'node:assert';
import { analyzeFile, estimateRun, expandFile, formatEstimate, withImageUrls } from '../../../src/core/prompts';
import { opts, prompts } from './helpers';

describe('prompts expansion', () => {
  it('returns the documented ExpandedJob shape with source, block, channel, out pattern and autopilot', () => {
    const text = '@channel 123\n@out {block}/{index}\n### heroes\n@autopilot\na knight\n### plain\na dog';
    const { jobs, diagnostics } = expandFile(text, { ...opts, file: '/ws/prompts/a.prompts' });
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(jobs[0], {
      request: { verb: 'imagine', prompt: 'a knight', channel: '123' },
      source: { file: '/ws/prompts/a.prompts', line: 4, block: 'heroes', outPattern: '{block}/{index}' },
      channel: '123', outPattern: '{block}/{index}', autopilot: true, jobType: 'image', variant: 0,
      estimate: { speed: 'account', gpuMinutes: 1 },
    });
    assert.equal(jobs[1].autopilot, undefined, 'a new block starts from the file header');
    assert.equal(jobs[1].source.block, 'plain');
  });

  it('expands nested permutations in Midjourney order, also inside parameters', () => {
    assert.deepEqual(prompts('a {red, blue} car --ar {1:1, 16:9}'), ['a red car --ar 1:1', 'a red car --ar 16:9', 'a blue car --ar 1:1', 'a blue car --ar 16:9']);
    assert.deepEqual(prompts('{a {b, c}, d} x'), ['a b x', 'a c x', 'd x']);
    assert.deepEqual(prompts('a {salt\\, pepper, oil} dish'), ['a salt, pepper dish', 'a oil dish']);
  });

  it('repeats with @repeat, each run its own job with its own variant index', () => {
    const a = analyzeFile('@repeat 3\na cat', opts);
    assert.deepEqual(a.jobs.map((j) => [j.request.prompt, j.variant]), [['a cat', 0], ['a cat', 1], ['a cat', 2]]);
    assert.equal(a.prompts[0].count, 3);
  });

  it('sends nothing for a prompt over the limit, and nothing for prompts with errors', () => {
    const a = analyzeFile('{a,b,c,d,e} {f,g,h,i,j}\nfine\nbad --s 9999', { ...opts, maxExpansion: 10 });
    assert.equal(a.prompts[0].count, 25);
    assert.deepEqual(a.prompts[0].jobs, []);
    assert.deepEqual(a.jobs.map((j) => j.request.prompt), ['fine']);
  });

  it('adds defaults the prompt lacks: @defaults over the setting, per block, never against the prompt', () => {
    const text = '@defaults --ar 16:9 --s 200\na\n### b\n@defaults --ar 1:1\nb --s 50\nc --niji 6\n### c\nd';
    assert.deepEqual(prompts(text, { defaults: '--v 7 --fast --ar 4:3' }), [
      'a --ar 16:9 --s 200 --v 7 --fast',
      'b --s 50 --ar 1:1 --v 7 --fast',
      'c --niji 6 --ar 1:1 --s 200 --fast',
      'd --ar 16:9 --s 200 --v 7 --fast',
    ]);
  });

  it('leaves out defaults that do not fit the prompt (model, video, missing reference, value range)', () => {
    assert.deepEqual(prompts('@defaults --oref https://x.y/o.png --q 4 --tile --motion high --sw 300\nhi --v 6.1'), ['hi --v 6.1 --tile']);
    assert.deepEqual(prompts('@defaults --oref https://x.y/o.png --q 4 --tile --motion high\nhttps://x.y/a.png hi --video'), ['https://x.y/a.png hi --video --motion high']);
    assert.deepEqual(prompts('@defaults --relax\nhi --turbo'), ['hi --turbo']);
  });

  it('puts @prefix and @suffix around the text, after images and before parameters', () => {
    assert.deepEqual(prompts('@prefix photo of\n@suffix , 35mm\nhttps://x.y/a.png a cat --ar 1:1\n@prefix\nplain'),
      ['https://x.y/a.png photo of a cat , 35mm --ar 1:1', 'plain , 35mm']);
  });

  it('inserts @var and @template values where used, resolved at the use site', () => {
    const text = '@var who = fox\n@template scene = a {{who}} in snow\n{{scene}}\n@var who = wolf\n{{scene}} --ar 2:3';
    assert.deepEqual(prompts(text), ['a fox in snow', 'a wolf in snow --ar 2:3']);
  });

  it('marks workspace image paths so the host can upload them, then swaps in URLs', async () => {
    const { jobs } = expandFile('refs/a.png ./b.jpg a cat --sref style.webp::2 https://x.y/s.png --oref o.png', opts);
    const job = jobs[0];
    assert.deepEqual(job.imagePaths?.map((p) => [p.text, p.absPath, job.request.prompt.slice(p.offset, p.offset + p.text.length)]), [
      ['refs/a.png', '/ws/prompts/refs/a.png', 'refs/a.png'],
      ['./b.jpg', '/ws/prompts/b.jpg', './b.jpg'],
      ['style.webp', '/ws/prompts/style.webp', 'style.webp'],
      ['o.png', '/ws/prompts/o.png', 'o.png'],
    ]);
    const sent = await withImageUrls(job, async (p) => `https://cdn.test${p}`);
    assert.equal(sent.request.prompt, 'https://cdn.test/ws/prompts/refs/a.png https://cdn.test/ws/prompts/b.jpg a cat --sref https://cdn.test/ws/prompts/style.webp::2 https://x.y/s.png --oref https://cdn.test/ws/prompts/o.png');
    assert.equal(sent.imagePaths, undefined);
  });

  it('knows video jobs and estimates fast GPU minutes', () => {
    const { jobs } = expandFile('https://x.y/a.png waves --video --bs 2\na cat --turbo\na dog --relax\na draft --draft\na q --q 2 --oref https://x.y/o.png', opts);
    assert.deepEqual(jobs.map((j) => [j.jobType, j.estimate.speed, j.estimate.gpuMinutes]), [
      ['video', 'account', 4], ['image', 'turbo', 1], ['image', 'relax', 1], ['image', 'account', 0.5], ['image', 'account', 4],
    ]);
    const run = estimateRun(jobs);
    assert.deepEqual(run, { jobs: 5, images: 4, videos: 1, fastMinutes: 4 + 2 + 0.5 + 4, relaxJobs: 1 });
    assert.equal(formatEstimate(run), '≈ 10.5 fast GPU-minutes (0.17 fast hours); 1 in relax mode (no fast hours)');
  });

  it('keeps going past a directive error', () => {
    assert.deepEqual(prompts('@repeat many\na cat'), ['a cat']);
  });
});
