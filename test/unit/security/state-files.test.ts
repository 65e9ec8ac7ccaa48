// A corrupt or hostile state file: the CLI keeps the damaged file aside (it may be the only record of paid
// jobs), says so, and runs; records in unknown shapes are skipped instead of blocking a resumed run.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/main';
import { createJobEngine } from '../../../src/core/jobs/engine';
import { JOBS_KEY, loadJobRecords } from '../../../src/core/jobs/persistence';
import { startSimulator } from '../../../src/simulator';
import type { RunningSimulator } from '../../../src/simulator';
import { MemoryKeyValueStore, TEST_TOKEN, scaledOptions } from '../jobs/helpers';
import { capture } from './helpers';

describe('corrupt and hostile state', function () {
  this.timeout(20_000);
  let sim: RunningSimulator;
  let dir: string;
  beforeEach(async () => {
    sim = await startSimulator({ timeScale: 0.01, seed: 31 });
    dir = mkdtempSync(join(tmpdir(), 'mj-sec-state-'));
  });
  afterEach(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [what, content] of [
    ['truncated JSON', '{"midjourney.jobs.v1":{"version":1,"records":[{"id":"a"'],
    ['a JSON array', '[1,2,3]'],
    ['binary bytes', '\u0000\u0001\u0002\u00ff'],
  ] as const) {
    it(`${what}: moved aside with a warning, never overwritten; the run goes on`, async () => {
      mkdirSync(join(dir, 'state'));
      writeFileSync(join(dir, 'state', 'state.json'), content);
      writeFileSync(join(dir, 'a.prompts'), 'a small boat\n');
      const c = capture(dir, { USEAPI_TOKEN: TEST_TOKEN });
      const code = await runCli(['run', 'a.prompts', '--api-base', sim.url, '--time-scale', '0.01', '--state', 'state', '--out', 'out'], c.io);
      assert.equal(code, 0, c.stderr());
      assert.match(c.stderr(), /warning: The state file .*state\.json (is not valid JSON|is not a JSON object); it was moved to .*state\.json\.corrupt-\d+/);
      const aside = readdirSync(join(dir, 'state')).filter((f) => f.startsWith('state.json.corrupt-'));
      assert.equal(aside.length, 1);
      assert.equal(readFileSync(join(dir, 'state', aside[0]), 'utf8'), content, 'the damaged file is kept as it was');
      const fresh = JSON.parse(readFileSync(join(dir, 'state', 'state.json'), 'utf8')) as Record<string, { records: unknown[] }>;
      assert.equal(fresh[JOBS_KEY].records.length, 1);
    });
  }

  it('records of unknown shape are skipped: the engine starts and follows only what it understands', async () => {
    const kv = new MemoryKeyValueStore();
    const valid = { id: 'ok-1', request: { verb: 'imagine', prompt: 'a kept job' }, verb: 'imagine', state: 'queued', buttons: [], assets: [], priority: 'batch', createdAt: 1, updatedAt: 1 };
    await kv.set(JOBS_KEY, {
      version: 1,
      records: [
        valid,
        { ...valid, id: 'weird-state', state: 'exploded' },
        { ...valid, id: 'no-request', request: undefined },
        { ...valid, id: 'string-request', request: 'imagine everything' },
        { ...valid, id: 42 },
        null,
        'not a record',
      ],
    });
    assert.deepEqual(loadJobRecords(kv).map((r) => r.id), ['ok-1']);
    const engine = createJobEngine({ apiBaseUrl: sim.url, tokens: { getToken: async () => TEST_TOKEN }, kv, options: scaledOptions() });
    try {
      await engine.start();
      assert.deepEqual(engine.store.all().map((r) => r.id), ['ok-1']);
      const done = await engine.waitFor('ok-1');
      assert.equal(done.state, 'completed');
    } finally {
      await engine.dispose();
    }
  });
});
