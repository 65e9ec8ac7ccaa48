// Invalid useapi tokens (401), invalid Discord tokens (400 from POST /accounts), and uploads that must be
// refused before anything is sent (over 10 MB, not an image): a clear error, and the simulator's request
// counters prove nothing reached it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, MAX_IMAGE_BYTES, imageTypeOf } from '../../../src/core/api/client';
import { BadRequestError, UnauthorizedError } from '../../../src/core/api/errors';
import { createJobEngine } from '../../../src/core/jobs/engine';
import type { JobEngine } from '../../../src/core/jobs/engine';
import type { EngineAlert } from '../../../src/core/jobs/api';
import { runCli } from '../../../src/cli/main';
import { startSimulator } from '../../../src/simulator';
import type { RunningSimulator } from '../../../src/simulator';
import { MemoryKeyValueStore, RecordingLogger, scaledOptions } from '../jobs/helpers';
import { capture, jobPosts } from './helpers';

const GOOD_TOKEN = 'user:4242-acceptedSecurityToken0';
const BAD_TOKEN = 'user:4242-faultSuiteSecretToken0';
const BAD_DISCORD = 'MTIzNDU2Nzg5MDEyMzQ1Njc4OTA.GhIjKl.this one has spaces and symbols!! so it is invalid';
const PNG = readFileSync(join(__dirname, '../../fixtures/prompts/refs/cat.png'));

describe('invalid tokens and uploads', function () {
  this.timeout(20_000);
  let sim: RunningSimulator;
  let dir: string;
  const engines: JobEngine[] = [];
  const clients: ApiClient[] = [];

  beforeEach(async () => {
    sim = await startSimulator({ timeScale: 0.01, seed: 9, accounts: 2, acceptedTokens: [GOOD_TOKEN] });
    dir = mkdtempSync(join(tmpdir(), 'mj-sec-up-'));
  });
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.dispose();
    for (const c of clients.splice(0)) await c.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function engineWith(token: string, logger = new RecordingLogger()): Promise<{ engine: JobEngine; alerts: EngineAlert[]; logger: RecordingLogger }> {
    const engine = createJobEngine({ apiBaseUrl: sim.url, tokens: { getToken: async () => token }, kv: new MemoryKeyValueStore(), logger, options: scaledOptions() });
    engines.push(engine);
    const alerts: EngineAlert[] = [];
    engine.onAlert((a) => alerts.push(a));
    await engine.start();
    return { engine, alerts, logger };
  }

  it('a rejected useapi token: the job fails with "set a valid token", the user is told once, nothing is created', async () => {
    const { engine, alerts, logger } = await engineWith(BAD_TOKEN);
    const jobs = await Promise.all([engine.submit({ verb: 'imagine', prompt: 'a cat' }), engine.submit({ verb: 'imagine', prompt: 'a dog' })]);
    const done = await Promise.all(jobs.map((j) => engine.waitFor(j.id)));
    for (const job of done) {
      assert.equal(job.state, 'failed');
      assert.match(job.reason ?? '', /API token was rejected \(401\)\. Set a valid token/);
    }
    assert.equal(alerts.filter((a) => a.kind === 'unauthorized').length, 1, 'one alert, not one per job');
    assert.equal(sim.admin.counters().acceptedJobs, 0);
    assert.ok(!logger.lines.join('\n').includes(BAD_TOKEN));
  });

  it('a rejected token through `mj-studio run`: exit 1, the 401 advice on stderr, no token printed', async () => {
    writeFileSync(join(dir, 'a.prompts'), 'a cat\n');
    const c = capture(dir, { USEAPI_TOKEN: BAD_TOKEN });
    const code = await runCli(['run', 'a.prompts', '--api-base', sim.url, '--time-scale', '0.01', '-v'], c.io);
    assert.equal(code, 1);
    assert.match(c.stderr(), /API token was rejected \(401\)\. Set a valid token .*USEAPI_TOKEN/);
    assert.ok(!(c.stdout() + c.stderr()).includes(BAD_TOKEN));
    assert.ok(!/Bearer\s+user:/.test(c.stdout() + c.stderr()));
  });

  it('an invalid Discord token: configureAccount names the problem (400), echoes no token, changes no channel', async () => {
    const { engine, logger } = await engineWith(GOOD_TOKEN);
    const before = sim.admin.channels();
    await assert.rejects(engine.configureAccount({ discord: BAD_DISCORD }), (error: unknown) => {
      assert.ok(error instanceof BadRequestError, String(error));
      assert.match(error.message, /Invalid Discord token.*Fix the request/);
      assert.ok(!error.message.includes(BAD_DISCORD));
      return true;
    });
    await assert.rejects(engine.configureAccount({ discord: 'short' }), /Invalid Discord token/);
    assert.deepEqual(sim.admin.channels(), before);
    assert.ok(!logger.lines.join('\n').includes(BAD_DISCORD));
  });

  for (const verb of ['describe', 'blend'] as const) {
    it(`${verb}: an image over 10 MB or a file that is not an image is refused before sending`, async () => {
      const { engine } = await engineWith(GOOD_TOKEN);
      const big = join(dir, 'big.png');
      writeFileSync(big, Buffer.concat([PNG, Buffer.alloc(MAX_IMAGE_BYTES + 1 - PNG.length)]));
      const text = join(dir, 'notes.png');
      writeFileSync(text, 'this is a text file with a .png name\n');
      const small = join(dir, 'cat.png');
      writeFileSync(small, PNG);
      const file = (path: string) => ({ kind: 'file' as const, path, name: path.split('/').pop() ?? path, contentType: 'image/png' });
      const request = (bad: string) =>
        verb === 'describe' ? { verb, image: file(bad) } : { verb, images: [file(small), file(bad)] };
      const postsBefore = jobPosts(sim);
      const oversized = await engine.waitFor((await engine.submit(request(big))).id);
      assert.equal(oversized.state, 'failed');
      assert.match(oversized.reason ?? '', /big\.png is 10\.0 MB; the limit is 10 MB/);
      const notImage = await engine.waitFor((await engine.submit(request(text))).id);
      assert.equal(notImage.state, 'failed');
      assert.match(notImage.reason ?? '', /notes\.png is not a PNG, JPEG, WebP or GIF image; choose an image file/);
      assert.equal(jobPosts(sim), postsBefore, 'nothing was sent');
      assert.equal(sim.admin.counters().acceptedJobs, 0);
      // The same request with a real image goes through.
      const fine = await engine.waitFor((await engine.submit(request(small))).id);
      assert.equal(fine.state, 'completed', fine.reason);
    });
  }

  it('`mj-studio describe` with a non-image file: exit 1 with the reason, nothing sent', async () => {
    writeFileSync(join(dir, 'fake.jpg'), 'GIF8 and a jpg name, yet only text');
    const c = capture(dir, { USEAPI_TOKEN: GOOD_TOKEN });
    const code = await runCli(['describe', 'fake.jpg', '--api-base', sim.url, '--time-scale', '0.01'], c.io);
    assert.equal(code, 1);
    assert.match(c.stdout() + c.stderr(), /fake\.jpg is not a PNG, JPEG, WebP or GIF image/);
    assert.equal(jobPosts(sim), 0);
  });

  it('recognizes images by their bytes, not their names', () => {
    assert.equal(imageTypeOf(PNG), 'image/png');
    assert.equal(imageTypeOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), 'image/jpeg');
    assert.equal(imageTypeOf(Buffer.from('GIF89a')), 'image/gif');
    assert.equal(imageTypeOf(Buffer.from('GIF8 text')), undefined);
    assert.equal(imageTypeOf(Buffer.from('RIFF\0\0\0\0WEBPVP8 ')), 'image/webp');
    assert.equal(imageTypeOf(Buffer.from('RIFF\0\0\0\0WAVEfmt ')), undefined);
    assert.equal(imageTypeOf(Buffer.from('<svg onload=alert(1)>')), undefined);
    assert.equal(imageTypeOf(new Uint8Array(0)), undefined);
  });

  it('the client itself refuses a missing token before any request', async () => {
    const client = new ApiClient({ baseUrl: sim.url, tokens: { getToken: async () => undefined } });
    clients.push(client);
    const before = sim.admin.counters().requests;
    await assert.rejects(client.listRunningJobs(), UnauthorizedError);
    assert.deepEqual(sim.admin.counters().requests, before);
  });
});
