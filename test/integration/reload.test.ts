// What a window reload does to the engine, checked without reloading: the engine is disposed and a new
// one is built on the same storage (here by changing an engine setting, as a reload does on activation).
// Jobs in flight are reattached by their job id and polled to the end; nothing is POSTed again (from the
// simulator's own counters). And `midjourney.jobUpdates` switches how running jobs are followed.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { JobRecord } from '../../src/core/jobs/model';
import type { MidjourneyTestApi } from '../../src/extension';
import type { SimulatorCounters } from '../../src/simulator/index';
import { EXTENSION_ID, until as untilWithin } from './helpers';

const until = <T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 90_000): Promise<T> =>
  untilWithin(what, probe, timeoutMs);

const polls = (c: SimulatorCounters): number => c.requests['GET /jobs/{id}'] ?? 0;

describe('reload: a new engine on the same storage reattaches (demo mode)', function () {
  this.timeout(240_000);
  let api: MidjourneyTestApi;
  let logLines: readonly string[];
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('midjourney');

  const counters = async (): Promise<SimulatorCounters> => {
    const backend = await api.backend();
    assert.ok(backend.simulator, 'demo mode (in-process simulator under MJ_STUDIO_TEST)');
    return backend.simulator.admin.counters();
  };
  const engineBuilds = (): number => logLines.filter((l) => l.includes('Job engine: using')).length;
  /** Changes an engine setting and waits until the engine was rebuilt for it. */
  const changeSetting = async (key: string, value: unknown): Promise<void> => {
    const builds = engineBuilds();
    await config().update(key, value, vscode.ConfigurationTarget.Global);
    await until(`the engine to be rebuilt after ${key} changed`, () => engineBuilds() > builds);
    await api.backend();
  };
  const finish = async (job: JobRecord): Promise<JobRecord> => {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 120_000);
    try {
      return await api.engine.waitFor(job.id, abort.signal);
    } catch (error) {
      const now = api.engine.store.get(job.id);
      throw new Error(`job ${job.id} did not finish: ${now?.state ?? 'unknown'} ${now?.reason ?? ''} — ${String(error)}`);
    } finally {
      clearTimeout(timer);
    }
  };

  before(async () => {
    api = await vscode.extensions.getExtension<MidjourneyTestApi>(EXTENSION_ID)!.activate();
    logLines = api.captureLog();
    await api.secrets.delete('useapi');
    // Slow enough that jobs are still rendering when the engine is rebuilt.
    await api.setSimulatorTimeScale(0.2);
    assert.strictEqual((await api.backend()).kind, 'simulator');
  });

  after(async () => {
    await config().update('jobUpdates', undefined, vscode.ConfigurationTarget.Global);
    await config().update('pollIntervalSeconds', undefined, vscode.ConfigurationTarget.Global);
    await api.setSimulatorTimeScale(0.02);
  });

  it('jobs in flight when the engine is replaced are reattached by id, polled to the end, and never sent again', async () => {
    assert.strictEqual(config().get('jobUpdates'), 'poll', 'polling is the default');
    const start = await counters();
    const { jobs } = await api.engine.submitBatch(['a kite over dunes', 'a boat in fog', 'a fox in snow', 'a lamp in rain'].map((p) => ({ request: { verb: 'imagine' as const, prompt: `reload-it ${p}` } })));
    // Three render at once on the simulator's channel; the fourth waits in the queue.
    const running = await until('three jobs running on the service', () => {
      const now = jobs.map((j) => api.engine.store.get(j.id)!);
      const withIds = now.filter((j) => j.state === 'running' && j.jobId);
      return withIds.length === 3 ? withIds : undefined;
    });
    const jobIds = new Map(running.map((j) => [j.id, j.jobId]));
    const acceptedBefore = (await counters()).acceptedJobs - start.acceptedJobs;
    assert.strictEqual(acceptedBefore, 3);

    // The engine goes away and a new one loads the same storage (what a reload does).
    await changeSetting('pollIntervalSeconds', 3);
    for (const [id, jobId] of jobIds) {
      const record = api.engine.store.get(id);
      assert.ok(record, `job ${id} is known to the new engine`);
      assert.strictEqual(record.jobId, jobId, 'the same service job, reattached by id');
    }
    const pollsAfterRebuild = polls(await counters());

    const finished = await Promise.all(jobs.map((j) => finish(j)));
    assert.deepStrictEqual(finished.map((j) => j.state), ['completed', 'completed', 'completed', 'completed'], finished.map((j) => j.reason ?? '').join(' | '));
    for (const [id, jobId] of jobIds) assert.strictEqual(finished.find((j) => j.id === id)?.jobId, jobId, 'finished as the job it was before');
    const end = await counters();
    assert.strictEqual(end.acceptedJobs - start.acceptedJobs, 4, 'four prompts, four accepted jobs: nothing resent');
    assert.deepStrictEqual(end.duplicateReplyRefs, []);
    for (const job of jobs) assert.strictEqual(end.submissionsByReplyRef[job.id], 1, `job ${job.id} was submitted once`);
    assert.ok(polls(end) > pollsAfterRebuild, 'the reattached jobs were followed by polling');
  });

  it('midjourney.jobUpdates: "stream" follows a job over its event stream, "poll" by polling', async () => {
    await changeSetting('jobUpdates', 'stream');
    let before = await counters();
    const streamed = await finish(await api.engine.submit({ verb: 'imagine', prompt: 'reload-it a streamed lighthouse' }));
    assert.strictEqual(streamed.state, 'completed', streamed.reason);
    assert.strictEqual(polls(await counters()) - polls(before), 0, 'no polls: the stream carried the job');

    await changeSetting('jobUpdates', 'poll');
    before = await counters();
    const polled = await finish(await api.engine.submit({ verb: 'imagine', prompt: 'reload-it a polled lighthouse' }));
    assert.strictEqual(polled.state, 'completed', polled.reason);
    assert.ok(polls(await counters()) - polls(before) > 0, 'polled to the end');
  });
});
