// Tokens never leak (DESIGN.md rule 8): a recognizable fake useapi token and a fake Discord token go
// through an engine run and `mj-studio run` with faults, errors and a service that echoes the token in
// its error texts. Every log line, stdout/stderr, sidecar, --json report, cached file name and persisted
// state is searched for the tokens and for the Bearer header.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/main';
import { createJobEngine } from '../../../src/core/jobs/engine';
import type { JobRecord } from '../../../src/core/jobs/model';
import { saveResults } from '../../../src/core/media/save';
import { startSimulator } from '../../../src/simulator';
import type { RunningSimulator } from '../../../src/simulator';
import { MemoryKeyValueStore, RecordingLogger, scaledOptions } from '../jobs/helpers';
import { capture, filesUnder } from './helpers';

const TOKEN = 'user:4242-faultSuiteSecretToken0';
const OTHER_TOKEN = 'user:4242-faultSuiteRejectedToken0';
const DISCORD = 'MTIzNDU2Nzg5MDEyMzQ1Njc4OTA.GhIjKl.fakeDiscordTokenForTheFaultSuite0123456789';
const NEEDLES = [TOKEN, OTHER_TOKEN, DISCORD, 'faultSuiteSecretToken0', 'faultSuiteRejectedToken0', 'fakeDiscordTokenForTheFaultSuite', 'MTIzNDU2Nzg5MDEyMzQ1Njc4OTA'];

function assertClean(where: string, text: string): void {
  for (const needle of NEEDLES) assert.ok(!text.includes(needle), `${where} contains ${needle.slice(0, 12)}…:\n${excerpt(text, needle)}`);
  // A server text may say "Bearer"; what follows it must be masked.
  assert.ok(!/Bearer\s+(?!\*\*\*)\S/i.test(text), `${where} shows a Bearer credential:\n${excerpt(text, 'Bearer')}`);
}

function excerpt(text: string, needle: string): string {
  const at = text.toLowerCase().indexOf(needle.toLowerCase());
  return at < 0 ? '' : text.slice(Math.max(0, at - 200), at + 200);
}

/** Faults and failures that make the code talk: 429s, 5xx, a lost answer, and errors that echo the token. */
function hostileService(sim: RunningSimulator): void {
  sim.admin.force429(3);
  sim.admin.set5xxRate(0.1, 503);
  sim.admin.resetConnection({ when: 'afterAccept', count: 1 });
  sim.admin.forceOutcome('forbidden', { status: 'moderated', error: `Banned for ${TOKEN}`, errorDetails: `Authorization: Bearer ${TOKEN} discord=${DISCORD}` });
  sim.admin.forceOutcome('broken', { status: 'failed', error: `Upstream said Bearer ${TOKEN}` });
}

const PROMPTS = ['a quiet harbor at dawn', 'a forbidden temple', 'a broken robot', 'a fox in the snow --ar 16:9', 'a lantern festival'];

describe('no token in any output', function () {
  this.timeout(30_000);
  let sim: RunningSimulator;
  let dir: string;
  beforeEach(async () => {
    sim = await startSimulator({ timeScale: 0.01, seed: 21, accounts: 1, maxJobs: 3, acceptedTokens: [TOKEN] });
    dir = mkdtempSync(join(tmpdir(), 'mj-sec-leak-'));
  });
  afterEach(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an engine run: logs, job records, persisted state, errors, sidecars and cache file names', async () => {
    const kv = new MemoryKeyValueStore();
    const logger = new RecordingLogger();
    const engine = createJobEngine({
      apiBaseUrl: sim.url,
      tokens: { getToken: async () => TOKEN },
      kv,
      logger,
      media: { cacheDir: join(dir, 'cache') },
      options: { ...scaledOptions(), autoDownload: true, useSse: true },
    });
    const alerts: string[] = [];
    engine.onAlert((a) => alerts.push(JSON.stringify(a)));
    const errors: string[] = [];
    try {
      await engine.start();
      // The Discord token is configured through the engine (a new channel) and once more with a bad value.
      const channel = await engine.configureAccount({ discord: DISCORD, maxJobs: 3 });
      await engine.configureAccount({ discord: `${DISCORD} !` }).catch((e: unknown) => errors.push(e instanceof Error ? `${e.message} ${e.stack ?? ''}` : String(e)));
      hostileService(sim);
      const { jobs } = await engine.submitBatch(PROMPTS.map((prompt) => ({ request: { verb: 'imagine' as const, prompt } })));
      const done: JobRecord[] = await Promise.all(jobs.map((j) => engine.waitFor(j.id)));
      assert.deepEqual(done.map((j) => j.state).sort(), ['completed', 'completed', 'completed', 'failed', 'moderated']);
      const saved = [];
      for (const job of done.filter((j) => j.state === 'completed')) {
        saved.push(...(await saveResults(job, { workspaceDir: dir, outputFolder: 'out', pattern: '{prompt}-{index}', cache: engine.media! })));
      }
      assert.ok(saved.length >= 12);
      await engine.flush();
      assertClean('the log', logger.lines.join('\n'));
      assertClean('the alerts', alerts.join('\n'));
      assertClean('the errors', errors.join('\n'));
      assertClean('the channel list', JSON.stringify([channel, ...engine.channels()]));
      assertClean('the job records', JSON.stringify(engine.store.all()));
      assertClean('the persisted state', JSON.stringify(Object.fromEntries(kv.values)));
      for (const file of filesUnder(dir)) {
        assertClean(`the file name ${file}`, file);
        if (file.endsWith('.json')) assertClean(`the sidecar ${file}`, readFileSync(file, 'utf8'));
      }
      assert.match(done.find((j) => j.state === 'moderated')?.reason ?? '', /Banned for \*\*\*/, 'the server text is kept, the token masked');
    } finally {
      await engine.dispose();
    }
  });

  it('`mj-studio run -v --json`: stdout, stderr, the report, sidecars, results and the state files', async () => {
    writeFileSync(join(dir, 'run.prompts'), `${PROMPTS.join('\n')}\n`);
    hostileService(sim);
    const c = capture(dir, { USEAPI_TOKEN: TOKEN });
    const code = await runCli(['run', 'run.prompts', '--api-base', sim.url, '--time-scale', '0.01', '--json', '-v', '--state', 'state', '--out', 'out'], c.io);
    assert.equal(code, 1, 'two prompts do not complete');
    const lines = c.stdout().trim().split('\n').map((l) => JSON.parse(l) as { type: string; reason?: string });
    assert.equal(lines.filter((l) => l.type === 'job').length, PROMPTS.length);
    assert.ok(lines.some((l) => l.type === 'report'));
    assert.ok(c.stderr().length > 0, 'verbose mode logged something');
    // A rejected token (401) and a usage error with the token in the arguments.
    const rejected = capture(dir, { USEAPI_TOKEN: OTHER_TOKEN });
    assert.equal(await runCli(['run', 'run.prompts', '--api-base', sim.url, '--time-scale', '0.01', '-v', '--state', 'state2', '--out', 'out2'], rejected.io), 1);
    assert.match(rejected.stderr(), /API token was rejected \(401\)/);
    const misuse = capture(dir, { USEAPI_TOKEN: TOKEN });
    assert.equal(await runCli(['imagine', '--api-base', `${sim.url}/v3/${TOKEN}`, 'a cat'], misuse.io), 2);
    for (const [where, text] of [
      ['stdout', c.stdout()],
      ['stderr', c.stderr()],
      ['stdout (401)', rejected.stdout()],
      ['stderr (401)', rejected.stderr()],
      ['stderr (usage)', misuse.stderr()],
    ] as const) {
      assertClean(where, text);
    }
    const written = filesUnder(dir);
    assert.ok(written.some((f) => f.endsWith('.jpeg.json')), 'sidecars were written');
    assert.ok(written.some((f) => f.endsWith('state.json')), 'state was written');
    for (const file of written) {
      assertClean(`the file name ${file}`, file);
      if (/\.(json|prompts|txt|log)$/.test(file)) assertClean(`the file ${file}`, readFileSync(file, 'utf8'));
    }
  });
});
