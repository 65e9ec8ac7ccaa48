// Media routes (CONTRACT.md §3.6, §10, §14 #26): imageUx through the proxy and the local CDN route,
// Discord-style grid links that expire after 24 h, real JPEG/PNG/MP4/WebP bytes with the right aspect.
import assert from 'node:assert/strict';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { RunningSimulator } from '../../../src/simulator/index';
import { imagine, pressButton, start, submit, TEST_TOKEN, waitFor } from './helpers';

async function fetchBytes(url: string, token: string | null = null): Promise<{ status: number; type: string | null; bytes: Buffer; headers: Headers }> {
  const response = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return { status: response.status, type: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()), headers: response.headers };
}

describe('simulator: media', () => {
  let sim: RunningSimulator;
  const proxy = (cdnUrl: string): string => `${sim.url}/v1/proxy/cdn-midjourney/?cdnUrl=${encodeURIComponent(cdnUrl)}`;

  beforeEach(async () => {
    sim = await start({ timeScale: 0.005 });
  });
  afterEach(async () => {
    await sim.close();
  });

  it('serves the four imageUx singles through the proxy as JPEGs with the --ar aspect, all different', async () => {
    const job = await imagine(sim, 'a wide harbour at dawn --ar 16:9');
    const singles = [];
    for (const { url } of job.response!.imageUx!) {
      const answer = await fetchBytes(proxy(url), TEST_TOKEN);
      assert.equal(answer.status, 200);
      assert.equal(answer.type, 'image/jpeg');
      assert.equal(answer.headers.get('cache-control'), 'private, max-age=3600');
      assert.equal(Number(answer.headers.get('content-length')), answer.bytes.length);
      const decoded = jpeg.decode(answer.bytes);
      assert.ok(Math.max(decoded.width, decoded.height) <= 512);
      assert.ok(Math.abs(decoded.width / decoded.height - 16 / 9) < 0.02, `${decoded.width}x${decoded.height}`);
      singles.push(answer.bytes.toString('base64'));
    }
    assert.equal(new Set(singles).size, 4, 'the four quadrants differ');
    const other = await imagine(sim, 'a narrow alley at night --ar 16:9');
    const otherFirst = await fetchBytes(proxy(other.response!.imageUx![0].url), TEST_TOKEN);
    assert.notEqual(otherFirst.bytes.toString('base64'), singles[0], 'another prompt looks different');
    const direct = await fetchBytes(`${sim.url}/${job.response!.imageUx![0].url.slice('https://'.length)}`);
    assert.equal(direct.status, 200);
    assert.equal(direct.bytes.toString('base64'), singles[0]);
  });

  it('guards the proxy: 401 without a token, 400 for a cdnUrl off the Midjourney CDN, 404 for unknown images', async () => {
    const job = await imagine(sim, 'guarded');
    const url = job.response!.imageUx![0].url;
    assert.equal((await fetchBytes(proxy(url))).status, 401);
    assert.equal((await fetchBytes(proxy('https://example.invalid/x.jpeg'), TEST_TOKEN)).status, 400);
    assert.equal((await fetchBytes(`${sim.url}/v1/proxy/cdn-midjourney/`, TEST_TOKEN)).status, 400);
    assert.equal((await fetchBytes(proxy('https://cdn.midjourney.com/00000000-0000-4000-8000-000000000000/0_0.jpeg'), TEST_TOKEN)).status, 404);
    sim.admin.setPaymentRequired(true);
    assert.equal((await fetchBytes(proxy(url), TEST_TOKEN)).status, 402);
  });

  it('serves the grid PNG at the attachment URL until `ex`, then 404 "This content is no longer available."', async () => {
    const job = await imagine(sim, 'a grid to expire --ar 3:2');
    const grid = job.response!.attachments[0];
    for (const link of [grid.url, grid.proxy_url!]) {
      assert.ok(link.startsWith(sim.url), link);
      const answer = await fetchBytes(link);
      assert.equal(answer.status, 200);
      assert.equal(answer.type, 'image/png');
      const png = PNG.sync.read(answer.bytes);
      assert.ok(Math.max(png.width, png.height) <= 1024);
      assert.ok(Math.abs(png.width / png.height - 3 / 2) < 0.02, `${png.width}x${png.height}`);
    }
    sim.admin.advanceTime(23 * 3600 * 1000);
    assert.equal((await fetchBytes(grid.url)).status, 200);
    sim.admin.advanceTime(2 * 3600 * 1000);
    const expired = await fetchBytes(grid.url);
    assert.equal(expired.status, 404);
    assert.equal(expired.bytes.toString(), 'This content is no longer available.');
    assert.equal((await fetchBytes(proxy(job.response!.imageUx![0].url), TEST_TOKEN)).status, 200, 'cdn.midjourney.com links stay');
  });

  it('serves a U# single as PNG attachment and its JPEG, matching the parent quadrant', async () => {
    const parent = await imagine(sim, 'pick the third');
    const single = await pressButton(sim, parent.jobid, 'U3');
    const quadrant = await fetchBytes(proxy(parent.response!.imageUx![2].url), TEST_TOKEN);
    const picked = await fetchBytes(proxy(single.response!.imageUx![0].url), TEST_TOKEN);
    assert.equal(picked.bytes.toString('base64'), quadrant.bytes.toString('base64'));
    const attachment = await fetchBytes(single.response!.attachments[0].url);
    assert.equal(attachment.type, 'image/png');
  });

  it('serves playable MP4s for videoUx and an animated WebP preview', async () => {
    const job = await imagine(sim, 'https://example.invalid/start.png waves rolling in --video');
    for (const { url } of job.response!.videoUx!) {
      const answer = await fetchBytes(proxy(url), TEST_TOKEN);
      assert.equal(answer.status, 200);
      assert.equal(answer.type, 'video/mp4');
      assert.equal(answer.bytes.subarray(4, 8).toString('latin1'), 'ftyp');
    }
    const whole = await fetchBytes(proxy(job.response!.videoUx![1].url), TEST_TOKEN);
    const ranged = await fetch(proxy(job.response!.videoUx![1].url), { headers: { Authorization: `Bearer ${TEST_TOKEN}`, Range: 'bytes=0-99' } });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers.get('content-range'), `bytes 0-99/${whole.bytes.length}`);
    assert.deepEqual(Buffer.from(await ranged.arrayBuffer()), whole.bytes.subarray(0, 100));
    const preview = await fetchBytes(job.response!.attachments[0].url);
    assert.equal(preview.type, 'image/webp');
    assert.equal(preview.bytes.subarray(0, 4).toString('latin1'), 'RIFF');
    assert.equal(preview.bytes.subarray(8, 12).toString('latin1'), 'WEBP');
    assert.equal((await fetchBytes(proxy(job.response!.videoUx![0].url.replace(/\/0\.mp4$/, '/7.mp4')), TEST_TOKEN)).status, 404);
  });

  it('serves seed images as four PNG attachments', async () => {
    const parent = await imagine(sim, 'seeded picture');
    const seeded = await waitFor(sim, (await submit(sim, 'seed', { jobId: parent.jobid })).jobid);
    for (const attachment of seeded.response!.attachments) {
      const answer = await fetchBytes(attachment.url);
      assert.equal(answer.status, 200);
      assert.equal(answer.bytes.subarray(1, 4).toString('latin1'), 'PNG');
    }
  });
});
