// `mj-studio` end to end: in-process through runCli (the built-in simulator, or a test simulator via
// --api-base), and as a real child process that is killed and restarted.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { runCli } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { JsonFileKeyValueStore } from '../../../src/cli/kv-file';
import { loadJobRecords } from '../../../src/core/jobs/persistence';
import { startSimulator } from '../../../src/simulator';
import type { RunningSimulator } from '../../../src/simulator';
import { pickReply, startFakeOpenAi, type FakeOpenAi } from '../../fixtures/fake-openai/server';

const TOKEN = 'user:1234-engineTestToken00000';

interface Captured {
  io: CliIo;
  stdout(): string;
  stderr(): string;
}

function capture(cwd: string, env: NodeJS.ProcessEnv = {}): Captured {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  return { io: { stdout: out, stderr: err, env, cwd }, stdout: () => stdout, stderr: () => stderr };
}

function files(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(d, entry.name));
      else found.push(join(d, entry.name));
    }
  };
  if (existsSync(dir)) walk(dir);
  return found;
}

describe('mj-studio CLI', function () {
  this.timeout(40_000);
  let dir: string;
  let sim: RunningSimulator | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mj-cli-'));
  });
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a prompts file on the built-in simulator without a token: results, sidecars, JSON report, exit 0', async () => {
    writeFileSync(join(dir, 'art.prompts'), 'a red fox in snow --ar 16:9\na blue whale, watercolor\n');
    const c = capture(dir);
    const code = await runCli(['run', 'art.prompts', '--json', '--out', 'out', '--time-scale', '0.01'], c.io);
    assert.equal(code, 0, c.stderr());
    const lines = c.stdout().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.filter((l) => l.type === 'job').length, 2);
    const report = lines[lines.length - 1];
    assert.equal(report.type, 'report');
    assert.equal(report.completed, 2);
    const saved = files(join(dir, 'out'));
    assert.equal(saved.filter((f) => f.endsWith('.jpeg')).length, 8);
    const sidecar = JSON.parse(readFileSync(saved.find((f) => f.endsWith('.jpeg.json'))!, 'utf8')) as { source: { file: string }; prompt: string };
    assert.equal(sidecar.source.file, 'art.prompts');
    assert.ok(!readFileSync(saved.find((f) => f.endsWith('.jpeg.json'))!, 'utf8').includes('simulatorDemoToken'));
  });

  it('refuses to send anything when the prompts file has errors (exit 2)', async () => {
    writeFileSync(join(dir, 'bad.prompts'), 'a cat --ar banana\n');
    const c = capture(dir);
    const code = await runCli(['run', 'bad.prompts', '--time-scale', '0.01'], c.io);
    assert.equal(code, 2);
    assert.match(c.stderr(), /bad\.prompts:1:\d+: error/);
    assert.match(c.stderr(), /Nothing was sent/);
  });

  it('exits non-zero when a job does not complete, and prints why', async () => {
    sim = await startSimulator({ timeScale: 0.01, seed: 5 });
    sim.admin.forceOutcome('forbidden', { status: 'moderated', error: 'Banned prompt', errorDetails: 'Not allowed' });
    writeFileSync(join(dir, 'mixed.prompts'), 'a fine cat\na forbidden cat\n');
    const c = capture(dir, { USEAPI_TOKEN: TOKEN });
    const code = await runCli(['run', 'mixed.prompts', '--api-base', sim.url, '--time-scale', '0.01'], c.io);
    assert.equal(code, 1);
    assert.match(c.stdout(), /✗ line 2: a forbidden cat: moderated \(Banned prompt — Not allowed\)/);
    assert.match(c.stderr(), /1 of 2 completed, 1 not completed/);
    assert.ok(!c.stdout().includes(TOKEN) && !c.stderr().includes(TOKEN));
  });

  it('imagine, button, jobs and cancel mirror the API', async () => {
    sim = await startSimulator({ timeScale: 0.01, seed: 6 });
    const env = { USEAPI_TOKEN: TOKEN };
    const a = capture(dir, env);
    assert.equal(await runCli(['imagine', 'a lighthouse at dusk', '--api-base', sim.url, '--json', '--time-scale', '0.01'], a.io), 0, a.stderr());
    const parent = JSON.parse(a.stdout().trim()) as { jobId: string; buttons: string[] };
    assert.ok(parent.buttons.includes('U1'));
    const b = capture(dir, env);
    assert.equal(await runCli(['button', parent.jobId, 'U1', '--api-base', sim.url, '--json', '--time-scale', '0.01'], b.io), 0, b.stderr());
    const child = JSON.parse(b.stdout().trim()) as { verb: string; files: string[] };
    assert.equal(child.verb, 'button');
    const j = capture(dir, env);
    assert.equal(await runCli(['jobs', '--api-base', sim.url], j.io), 0);
    assert.match(j.stdout(), /running/);
    const x = capture(dir, env);
    assert.equal(await runCli(['cancel', 'j1126010101001123456i-u1234-c1428505517216014800-bot:midjourney', '--api-base', sim.url], x.io), 1);
    assert.match(x.stderr(), /does not know this job/);
    const u = capture(dir);
    assert.equal(await runCli(['frobnicate'], u.io), 2);
  });

  it('a killed run, started again, reattaches to its jobs and sends nothing twice', async () => {
    sim = await startSimulator({ timeScale: 0.02, seed: 8, maxJobs: 2 });
    const prompts = Array.from({ length: 5 }, (_, i) => `a restartable kite ${i}`).join('\n');
    writeFileSync(join(dir, 'kites.prompts'), `${prompts}\n`);
    const statePath = join(dir, '.mj-studio', 'state.json');
    const child = spawn(process.execPath, ['--import', pathToFileURL(require.resolve('tsx')).href, join(__dirname, '../../../src/cli/main.ts'), 'run', 'kites.prompts', '--api-base', sim.url, '--time-scale', '0.02'], {
      cwd: dir,
      env: { ...process.env, USEAPI_TOKEN: TOKEN },
      stdio: 'ignore',
    });
    // Kill it once some jobs are running on the service (their ids are in the state file).
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        const records = new JsonFileKeyValueStore(statePath).get<{ records: { state: string; jobId?: string }[] }>('midjourney.jobs.v1')?.records ?? [];
        if (records.filter((r) => r.state === 'running' && r.jobId).length >= 2) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
      child.once('exit', () => {
        clearInterval(timer);
        reject(new Error('the run ended before it could be killed'));
      });
    });
    const acceptedAtKill = sim.admin.counters().acceptedJobs;
    assert.ok(acceptedAtKill >= 2, `${acceptedAtKill} accepted when killed`);
    const c = capture(dir, { USEAPI_TOKEN: TOKEN });
    const code = await runCli(['run', 'kites.prompts', '--api-base', sim.url, '--time-scale', '0.02'], c.io);
    assert.equal(code, 0, c.stderr() + c.stdout());
    assert.match(c.stderr(), /Resuming the earlier run/);
    const counters = sim.admin.counters();
    assert.equal(counters.acceptedJobs, 5, 'each prompt accepted exactly once');
    assert.deepEqual(counters.duplicateReplyRefs, []);
  });
});

describe('mj-studio run --autopilot', function () {
  this.timeout(60_000);
  let dir: string;
  let ai: FakeOpenAi;
  const KEY = 'sk-test-fake-cli-autopilot-key-0000';
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mj-cli-ai-'));
    ai = await startFakeOpenAi();
    ai.respond = () => pickReply(3, 'the clearest silhouette');
  });
  afterEach(async () => {
    await ai.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('picks the best of each grid, upscales it (U3), animates the single, and records why — without leaking the key', async () => {
    writeFileSync(join(dir, 'art.prompts'), 'a lighthouse in a storm --ar 3:2\n');
    const c = capture(dir, { MJ_AI_MODEL: 'fake-vision-1', MJ_AI_ENDPOINT: ai.url, MJ_AI_KEY: KEY });
    const code = await runCli(['run', 'art.prompts', '--autopilot-animate', '--json', '--out', 'out', '--time-scale', '0.01'], c.io);
    assert.equal(code, 0, c.stderr());
    assert.equal(ai.requests.length, 1, 'one judgement for one grid');
    assert.equal(ai.requests[0].authorization, `Bearer ${KEY}`);
    const lines = c.stdout().trim().split('\n').map((l) => JSON.parse(l) as { type: string; decision?: { pickedIndex?: number; reason: string; model: string } });
    const pick = lines.find((l) => l.type === 'autopilot');
    assert.equal(pick?.decision?.pickedIndex, 3);
    assert.equal(pick?.decision?.reason, 'the clearest silhouette');
    const sidecars = files(join(dir, 'out')).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(f, 'utf8')) as { button?: string; jobType?: string; ai?: { pickedIndex?: number } });
    assert.ok(sidecars.some((s) => s.ai?.pickedIndex === 3), 'the grid sidecar carries the decision');
    assert.ok(sidecars.some((s) => s.button === 'U3'), 'the picked quadrant was upscaled and saved');
    assert.ok(sidecars.some((s) => s.button === 'Animate (High motion)' && s.jobType === 'video'), 'the upscaled single was animated');
    const everything = c.stdout() + c.stderr() + files(join(dir, 'out')).filter((f) => f.endsWith('.json')).map((f) => readFileSync(f, 'utf8')).join('');
    assert.ok(!everything.includes(KEY) && !everything.includes(KEY.slice(8)), 'the AI key appears nowhere');
  });

  it('refuses before sending anything when no model is configured (exit 2)', async () => {
    writeFileSync(join(dir, 'art.prompts'), 'a lighthouse in a storm\n');
    const c = capture(dir, {});
    const code = await runCli(['run', 'art.prompts', '--autopilot', '--out', 'out', '--time-scale', '0.01'], c.io);
    assert.equal(code, 2);
    assert.match(c.stderr(), /MJ_AI_MODEL/);
    assert.equal(files(join(dir, 'out')).length, 0);
    assert.equal(ai.requests.length, 0);
  });
});

describe('mj-studio run --sequential / --delay', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mj-cli-pace-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('--sequential sends each prompt after the previous one finished; --delay spaces them', async () => {
    writeFileSync(join(dir, 'art.prompts'), 'one fox\ntwo foxes\nthree foxes\n');
    const c = capture(dir);
    const code = await runCli(['run', 'art.prompts', '--sequential', '--delay', '0.2', '--json', '--out', 'out', '--state', 'state', '--time-scale', '0.01'], c.io);
    assert.equal(code, 0, c.stderr());
    // The built-in simulator's history, as the runner saved it.
    const state = new JsonFileKeyValueStore(join(dir, 'state', 'state-simulator.json'));
    const records = loadJobRecords(state).filter((r) => r.verb === 'imagine').sort((a, b) => (a.submittedAt ?? 0) - (b.submittedAt ?? 0));
    assert.equal(records.length, 3, 'three jobs in the saved history');
    for (let i = 1; i < records.length; i++) {
      assert.ok((records[i].submittedAt ?? 0) >= (records[i - 1].finishedAt ?? Infinity), 'sent only after the previous one finished');
      assert.ok((records[i].submittedAt ?? 0) - (records[i - 1].submittedAt ?? 0) >= 200, 'spaced by the delay');
    }
  });

  it('refuses a delay that is not a number of seconds (exit 2)', async () => {
    writeFileSync(join(dir, 'art.prompts'), 'one fox\n');
    const c = capture(dir);
    assert.equal(await runCli(['run', 'art.prompts', '--delay', 'soon', '--out', 'out'], c.io), 2);
    assert.match(c.stderr(), /--delay/);
  });
});
