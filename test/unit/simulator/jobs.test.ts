// Job kinds and their lifecycles (CONTRACT.md §3, §4, §14 #5–#15): the imagine timeline, grids shaped like
// the fixtures, buttons per result kind, execute-once, seed, describe, blend, video, settings-type state,
// magic words and forced outcomes. Every job seen is parsed with the shared JobSchema by the helpers.
import assert from 'node:assert/strict';
import type { RunningSimulator } from '../../../src/simulator/index';
import { API, call, errorOf, getJob, imagine, jobOf, pressButton, start, stream, submit, waitFor } from './helpers';

const GRID_BUTTONS = ['U1', 'U2', 'U3', 'U4', '🔄', 'V1', 'V2', 'V3', 'V4'];
const SINGLE_BUTTONS = [
  'Upscale (Subtle)', 'Upscale (Creative)', 'Vary (Subtle)', 'Vary (Strong)', 'Vary (Region)', 'Zoom Out 2x', 'Zoom Out 1.5x',
  'Custom Zoom', '⬅️', '➡️', '⬆️', '⬇️', 'Animate (High motion)', 'Animate (Low motion)',
];

describe('simulator: jobs', () => {
  let sim: RunningSimulator;

  beforeEach(async () => {
    sim = await start({ maxJobs: 6, timeScale: 0.005 });
  });
  afterEach(async () => {
    await sim.close();
  });

  it('runs imagine through created → started → progress… → completed with the documented content', async () => {
    const result = await stream(sim, 'imagine', { prompt: 'a red fox in snow --ar 16:9 [[nothing]]' });
    const names = result.events.map((e) => e.event);
    assert.equal(names[0], 'initialized');
    assert.deepEqual(names.slice(1, 3), ['midjourney_created', 'midjourney_started']);
    assert.equal(names.at(-1), 'midjourney_completed');
    assert.ok(result.closedByServer, 'stream closes after the terminal event');
    const jobs = result.events.slice(1).map(jobOf);
    const started = jobs[1];
    assert.match(started.response!.content, /^\*\*a red fox in snow --ar 16:9\*\* - <@\d+> \(Waiting to start\)$/);
    const progress = jobs.filter((j) => j.status === 'progress');
    assert.deepEqual(progress.map((j) => j.response!.progress_percent), [0, 15, 31, 46, 62, 78, 93]);
    assert.match(progress[2].response!.content, /\(31%\) \(fast\)$/);
    const done = jobs.at(-1)!;
    assert.equal(done.code, 200);
    assert.equal(done.response!.progress_percent, undefined);
    const span = Date.parse(done.updated!) - Date.parse(done.created);
    assert.ok(span >= 29_000 && span <= 35_000, `simulated duration ${span} ms`);
    const messageTime = Date.parse(done.response!.timestamp!.replace('000+00:00', 'Z'));
    const lag = Date.parse(done.updated!) - messageTime;
    assert.ok(lag >= 300 && lag <= 600, `updated follows the message by ${lag} ms`);
  });

  it('completes a grid shaped like the real record', async () => {
    const job = await imagine(sim, 'Interior of a classic silver flying saucer, vast curved window --ar 16:9');
    const r = job.response!;
    assert.deepEqual(r.buttons, GRID_BUTTONS);
    assert.equal(r.type, 0);
    assert.equal(r.flags, 0);
    assert.equal(r.author!.id, '936929561302675456');
    assert.equal(r.channel_id, job.jobid.match(/-c(\d+)-/)![1]);
    assert.match(r.timestamp!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}000\+00:00$/);
    const guid = /cdn\.midjourney\.com\/([0-9a-f-]{36})\/0_0\.jpeg$/.exec(r.imageUx![0].url)![1];
    assert.deepEqual(r.imageUx!.map((u) => u.url), [0, 1, 2, 3].map((i) => `https://cdn.midjourney.com/${guid}/0_${i}.jpeg`));
    assert.deepEqual(r.imageUx!.map((u) => u.id), [1, 2, 3, 4]);
    const grid = r.attachments[0];
    assert.equal(grid.content_type, 'image/png');
    assert.equal(grid.width, 2912);
    assert.equal(grid.height, 1632);
    assert.equal(grid.filename, `mj-user_Interior_of_a_classic_silver_flying_saucer_vast__${guid}.png`);
    const query = new URL(grid.url).searchParams;
    assert.equal(parseInt(query.get('ex')!, 16) - parseInt(query.get('is')!, 16), 86_400);
    assert.match(grid.url, /&$/);
    const rows = r.components as { components: { label?: string; style: number; url?: string; custom_id?: string }[] }[];
    assert.equal(rows.length, 2);
    assert.equal(rows[1].components[4].style, 5);
    assert.equal(rows[1].components[4].url, `https://www.midjourney.com/jobs/${guid}`);
    assert.equal(rows[0].components[0].custom_id, `MJ::JOB::upsample::1::${guid}`);
    assert.match(r.content, /^\*\*Interior of a classic silver flying saucer, vast curved window --ar 16:9\*\* - <@\d+> \(fast\)(\n-# Create, explore, and organize on \[midjourney\.com\]\(<https:\/\/midjourney\.com\/imagine\?from_discord=1>\))?$/);
  });

  it('adds the promo footer according to promoFooterRate', async () => {
    const always = await start({ promoFooterRate: 1 });
    const never = await start({ promoFooterRate: 0 });
    try {
      assert.match((await imagine(always, 'promo')).response!.content, /\n-# Create, explore/);
      assert.doesNotMatch((await imagine(never, 'promo')).response!.content, /\n-#/);
    } finally {
      await always.close();
      await never.close();
    }
  });

  it('sizes grids and singles by --ar', async () => {
    const square = await imagine(sim, 'a square');
    assert.deepEqual([square.response!.attachments[0].width, square.response!.attachments[0].height], [2048, 2048]);
    const portrait = await imagine(sim, 'a portrait --ar 2:3');
    assert.deepEqual([portrait.response!.attachments[0].width, portrait.response!.attachments[0].height], [1792, 2688]);
  });

  it('runs U1–U4 once per parent and records children and executeOnce', async () => {
    const parent = await imagine(sim, 'a parent grid');
    const first = await submit(sim, 'button', { jobId: parent.jobid, button: 'U2' });
    assert.equal(first.verb, 'button');
    assert.deepEqual(first.request, { jobId: parent.jobid, button: 'U2', stream: false });
    const repeat = await submit(sim, 'button', { jobId: parent.jobid, button: 'U2' }, 200);
    assert.equal(repeat.jobid, first.jobid);
    const single = await waitFor(sim, first.jobid);
    assert.deepEqual(single.response!.buttons, SINGLE_BUTTONS);
    assert.match(single.response!.content, /- Image #2 <@\d+>$/);
    assert.equal(single.response!.imageUx!.length, 1);
    const refreshed = await getJob(sim, parent.jobid);
    assert.deepEqual(refreshed.response!.children, { U2: first.jobid });
    assert.deepEqual(refreshed.response!.executeOnce, { U2: first.jobid });
    assert.equal(sim.admin.counters().acceptedJobs, 2);
    const again = await submit(sim, 'button', { jobId: parent.jobid, button: 'U2' }, 200);
    assert.equal(again.status, 'completed');
  });

  it('creates a new grid for every V#/🔄 press', async () => {
    const parent = await imagine(sim, 'variations please');
    const v1 = await pressButton(sim, parent.jobid, 'V1');
    const v1again = await pressButton(sim, parent.jobid, 'V1');
    const reroll = await pressButton(sim, parent.jobid, '🔄');
    assert.notEqual(v1.jobid, v1again.jobid);
    for (const job of [v1, v1again, reroll]) {
      assert.equal(job.status, 'completed');
      assert.deepEqual(job.response!.buttons, GRID_BUTTONS);
      assert.equal(job.jobType, 'image');
    }
    assert.match(v1.response!.content, /- Variations \(Strong\) by <@\d+>/);
  });

  it('validates buttons against the parent: state, label, Custom Zoom prompt, Vary (Region) mask', async () => {
    const running = await submit(sim, 'imagine', { prompt: 'still running' });
    const notDone = await call(sim, 'POST', `${API}/jobs/button`, { jobId: running.jobid, button: 'U1', stream: false });
    assert.equal(notDone.status, 400);
    assert.match(errorOf(notDone), /not completed/);
    const parent = await waitFor(sim, running.jobid);
    const wrong = await call(sim, 'POST', `${API}/jobs/button`, { jobId: parent.jobid, button: 'Upscale (Subtle)', stream: false });
    assert.equal(wrong.status, 400);
    assert.match(errorOf(wrong), /not available/);
    const single = await pressButton(sim, parent.jobid, 'U1');
    const zoom = await call(sim, 'POST', `${API}/jobs/button`, { jobId: single.jobid, button: 'Custom Zoom', stream: false });
    assert.match(errorOf(zoom), /prompt is missing for Custom Zoom/);
    const region = await call(sim, 'POST', `${API}/jobs/button`, { jobId: single.jobid, button: 'Vary (Region)', stream: false });
    assert.match(errorOf(region), /mask is missing/);
    const zoomed = await pressButton(sim, single.jobid, 'Custom Zoom', { prompt: 'wider --zoom 2' });
    assert.deepEqual(zoomed.response!.buttons, GRID_BUTTONS);
    const varied = await pressButton(sim, single.jobid, 'Vary (Region)', { mask: 'UklGRg==' });
    assert.equal(varied.status, 'completed');
  });

  it('upscales a single into a Redo Upscale result of twice the size', async () => {
    const parent = await imagine(sim, 'upscale me --ar 16:9');
    const single = await pressButton(sim, parent.jobid, 'U3');
    assert.deepEqual([single.response!.attachments[0].width, single.response!.attachments[0].height], [1456, 816]);
    const upscaled = await pressButton(sim, single.jobid, 'Upscale (Creative)');
    assert.deepEqual(upscaled.response!.buttons!.slice(0, 2), ['Redo Upscale (Subtle)', 'Redo Upscale (Creative)']);
    assert.deepEqual([upscaled.response!.attachments[0].width, upscaled.response!.attachments[0].height], [2912, 1632]);
  });

  it('moderates --video without a start frame like the real record', async () => {
    const result = await stream(sim, 'imagine', { prompt: 'a man waking up --video' });
    assert.deepEqual(result.events.map((e) => e.event), ['initialized', 'midjourney_created', 'midjourney_moderated']);
    const job = jobOf(result.events[2]);
    assert.match(job.jobid, /^j\d{19}v-/);
    assert.equal(job.jobType, 'video');
    assert.equal(job.code, 422);
    assert.equal(job.error, 'Invalid request');
    assert.equal(job.errorDetails, 'No start frame provided');
    const r = job.response!;
    assert.equal(r.type, 20);
    assert.equal(r.flags, 64);
    assert.equal(r.nonce, job.jobid.slice(1, 20));
    assert.equal(r.buttons, undefined);
    assert.equal(r.imageUx, undefined);
    assert.equal(r.content, '');
    assert.equal(r.embeds[0].footer!.text, '/imagine a man waking up --video');
    assert.equal((r.components![0].components![0]).label, 'Resubmit');
  });

  it('completes --video with a start image, with four videoUx and video buttons', async () => {
    const job = await imagine(sim, 'https://example.invalid/start.png a dancer turning --video --motion low');
    assert.equal(job.status, 'completed');
    assert.equal(job.jobType, 'video');
    assert.match(job.jobid, /^j\d{19}v-/);
    assert.equal(job.response!.videoUx!.length, 4);
    assert.match(job.response!.videoUx![0].url, /^https:\/\/cdn\.midjourney\.com\/video\/[0-9a-f-]{36}\/0\.mp4$/);
    assert.equal(job.response!.attachments[0].content_type, 'image/webp');
    assert.deepEqual(job.response!.buttons, ['U1', 'U2', 'U3', 'U4', '🔄']);
    assert.match(job.response!.content, /^\*\*<https:\/\/s\.mj\.run\/\w+> a dancer turning --video 1 --motion low\*\*/);
    const single = await pressButton(sim, job.jobid, 'U1');
    assert.equal(single.jobType, 'video');
    assert.deepEqual(single.response!.buttons, ['Extend (High motion)', 'Extend (Low motion)']);
    const extended = await pressButton(sim, single.jobid, 'Extend (Low motion)');
    assert.equal(extended.response!.videoUx!.length, 4);
  });

  it('animates an upscaled image into a video job', async () => {
    const parent = await imagine(sim, 'animate this');
    const single = await pressButton(sim, parent.jobid, 'U4');
    const created = await submit(sim, 'button', { jobId: single.jobid, button: 'Animate (High motion)' });
    assert.equal(created.jobType, 'video');
    assert.match(created.jobid, /^j\d{19}v-/);
    const video = await waitFor(sim, created.jobid);
    assert.equal(video.response!.videoUx!.length, 4);
  });

  it('returns a seed once per image parent and rejects video parents', async () => {
    const parent = await imagine(sim, 'seed me');
    const created = await submit(sim, 'seed', { jobId: parent.jobid });
    assert.match(created.jobid, /^j\d{19}-u/, 'no type letter for seed jobs');
    assert.equal((await submit(sim, 'seed', { jobId: parent.jobid }, 200)).jobid, created.jobid);
    const seeded = await waitFor(sim, created.jobid);
    const seed = seeded.response!.seed!;
    assert.ok(Number.isInteger(seed) && seed >= 0 && seed <= 4294967295);
    assert.match(seeded.response!.content, new RegExp(`\\*\\*seed\\*\\* ${seed}$`));
    assert.equal(seeded.response!.attachments.length, 4);
    assert.equal((await getJob(sim, parent.jobid)).response!.executeOnce!.seed, created.jobid);
    const video = await imagine(sim, 'https://example.invalid/a.png moving --video');
    const rejected = await call(sim, 'POST', `${API}/jobs/seed`, { jobId: video.jobid, stream: false });
    assert.equal(rejected.status, 400);
    assert.match(errorOf(rejected), /not available for video/);
  });

  it('describes an uploaded image with four keycap-numbered prompts and no buttons', async () => {
    const form = new FormData();
    form.set('imageBlob', new Blob([Buffer.from('89504e470d0a1a0a0000', 'hex')], { type: 'image/png' }), 'photo.png');
    form.set('stream', 'false');
    const answer = await call(sim, 'POST', `${API}/jobs/describe`, form);
    assert.equal(answer.status, 201, answer.text);
    const job = await waitFor(sim, (answer.json as { jobid: string }).jobid);
    assert.match(job.jobid, /^j\d{19}i-/);
    assert.deepEqual(job.request.imageBlob, { filename: 'photo.png', contentType: 'image/png', size: 10 });
    const text = job.response!.embeds[0].description!;
    const parts = text.split('\n\n');
    assert.equal(parts.length, 4);
    parts.forEach((part, i) => assert.ok(part.startsWith(['1️⃣ ', '2️⃣ ', '3️⃣ ', '4️⃣ '][i]), part));
    assert.equal(job.response!.buttons, undefined);
    const both = new FormData();
    both.set('imageBlob', new Blob([Buffer.from('00', 'hex')], { type: 'image/png' }), 'a.png');
    both.set('imageUrl', 'https://example.invalid/a.png');
    assert.equal((await call(sim, 'POST', `${API}/jobs/describe`, both)).status, 400);
  });

  it('rejects images over 10 MB and non-images', async () => {
    const big = new FormData();
    big.set('imageBlob', new Blob([Buffer.alloc(10 * 1024 * 1024 + 1)], { type: 'image/png' }), 'big.png');
    big.set('stream', 'false');
    const answer = await call(sim, 'POST', `${API}/jobs/describe`, big);
    assert.equal(answer.status, 400);
    assert.match(errorOf(answer), /too large \(max 10 MB\)/);
    const text = new FormData();
    text.set('imageBlob', new Blob(['hello'], { type: 'text/plain' }), 'a.txt');
    assert.match(errorOf(await call(sim, 'POST', `${API}/jobs/describe`, text)), /must be a png/);
  });

  it('blends 2–5 images (URLs and blobs) into a grid with the chosen dimensions', async () => {
    const form = new FormData();
    form.set('imageUrl_1', 'https://example.invalid/one.png');
    form.set('imageBlob_2', new Blob([Buffer.from('ffd8ffe0', 'hex')], { type: 'image/jpeg' }), 'two.jpg');
    form.set('blendDimensions', 'Landscape');
    form.set('stream', 'false');
    const answer = await call(sim, 'POST', `${API}/jobs/blend`, form);
    assert.equal(answer.status, 201, answer.text);
    const job = await waitFor(sim, (answer.json as { jobid: string }).jobid);
    assert.equal(job.verb, 'blend');
    assert.deepEqual(job.response!.buttons, GRID_BUTTONS);
    assert.deepEqual([job.response!.attachments[0].width, job.response!.attachments[0].height], [2688, 1792]);
    const both = new FormData();
    both.set('imageUrl_1', 'https://example.invalid/one.png');
    both.set('imageBlob_1', new Blob([Buffer.from('00', 'hex')], { type: 'image/png' }), 'x.png');
    both.set('imageUrl_2', 'https://example.invalid/two.png');
    assert.match(errorOf(await call(sim, 'POST', `${API}/jobs/blend`, both)), /not both/);
  });

  it('keeps per-channel settings: speed word, remix, variability, response.settings', async () => {
    const relax = await submit(sim, 'relax', {});
    assert.match(relax.jobid, /^j\d{19}-u/, 'no type letter for settings-type jobs');
    assert.equal(relax.jobType, undefined);
    const relaxDone = await waitFor(sim, relax.jobid);
    assert.equal(relaxDone.response!.settings!.relax, true);
    assert.equal(relaxDone.response!.settings!.fast, false);
    const slow = await stream(sim, 'imagine', { prompt: 'a relaxed render' });
    assert.ok(slow.events.some((e) => e.event === 'midjourney_progress' && jobOf(e).response!.content.endsWith('(relaxed)')));
    assert.match(jobOf(slow.events.at(-1)!).response!.content, /\(relaxed\)/);
    const turbo = await waitFor(sim, (await submit(sim, 'turbo', {})).jobid);
    assert.equal(turbo.response!.settings!.turbo, true);
    assert.match((await imagine(sim, 'quick')).response!.content, /\(turbo\)/);
    const remix = await waitFor(sim, (await submit(sim, 'remix', {})).jobid);
    assert.equal(remix.response!.settings!.remix, true);
    const variability = await waitFor(sim, (await submit(sim, 'variability', {})).jobid);
    assert.equal(variability.response!.settings!.variability, true);
    const settings = await waitFor(sim, (await submit(sim, 'settings', {})).jobid);
    assert.deepEqual(
      { ...settings.response!.settings },
      { version: '7', stylize: 100, raw: false, personalization: false, public: true, remix: true, variability: true, turbo: true, fast: false, relax: false, suffix: '' },
    );
    const info = await waitFor(sim, (await submit(sim, 'info', {})).jobid);
    assert.match(info.response!.embeds[0].title!, /^Your info - /);
    const fast = await waitFor(sim, (await submit(sim, 'fast', {})).jobid);
    assert.equal(fast.response!.settings!.fast, true);
  });

  it('requires channel on settings-type calls when several accounts exist', async () => {
    const multi = await start({ accounts: 2 });
    try {
      const answer = await call(multi, 'POST', `${API}/jobs/fast`, { stream: false });
      assert.equal(answer.status, 400);
      assert.match(errorOf(answer), /channel is missing/);
      const channel = multi.admin.channels()[1];
      const job = await submit(multi, 'fast', { channel });
      assert.match(job.jobid, new RegExp(`-c${channel}-`));
    } finally {
      await multi.close();
    }
  });

  it('ends prompts with [[moderate]] moderated and [[fail]] failed', async () => {
    const moderated = await imagine(sim, 'something [[moderate]]');
    assert.equal(moderated.status, 'moderated');
    assert.equal(moderated.code, 422);
    assert.equal(moderated.error, 'Banned prompt detected');
    const failed = await imagine(sim, 'something [[fail]]');
    assert.equal(failed.status, 'failed');
    assert.equal(failed.code, 500);
    assert.ok(failed.error);
  });

  it('applies forced outcomes to matching prompts with the given texts', async () => {
    sim.admin.forceOutcome('forbidden fruit', { status: 'moderated', error: 'Banned prompt', errorDetails: 'Custom text' });
    sim.admin.forceOutcome('broken', { status: 'failed', error: 'Render crashed', errorDetails: 'GPU on fire' });
    const moderated = await imagine(sim, 'a forbidden fruit still life');
    assert.deepEqual([moderated.status, moderated.error, moderated.errorDetails], ['moderated', 'Banned prompt', 'Custom text']);
    const failed = await imagine(sim, 'a broken vase');
    assert.deepEqual([failed.status, failed.error, failed.errorDetails], ['failed', 'Render crashed', 'GPU on fire']);
    const ordinary = await imagine(sim, 'an ordinary vase');
    assert.equal(ordinary.status, 'completed');
    sim.admin.forceOutcome('ordinary', { status: 'failed', error: 'Child failed' });
    const child = await pressButton(sim, ordinary.jobid, 'V2');
    assert.deepEqual([child.status, child.error], ['failed', 'Child failed'], 'children match on the prompt they inherit');
  });

  it('echoes replyRef in the request and the response', async () => {
    const job = await imagine(sim, 'with a ref', { replyRef: 'local-42' });
    assert.equal(job.request.replyRef, 'local-42');
    assert.equal(job.response!.replyRef, 'local-42');
  });

  it('is deterministic for a given seed', async () => {
    const a = await start({ seed: 7 });
    const b = await start({ seed: 7 });
    try {
      const [ja, jb] = [await imagine(a, 'same'), await imagine(b, 'same')];
      assert.equal(ja.jobid.slice(14), jb.jobid.slice(14));
      assert.equal(ja.response!.imageUx![0].url, jb.response!.imageUx![0].url);
      assert.equal(Date.parse(ja.updated!) - Date.parse(ja.created), Date.parse(jb.updated!) - Date.parse(jb.created));
    } finally {
      await a.close();
      await b.close();
    }
  });
});
