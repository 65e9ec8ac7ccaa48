// A 100-prompt .prompts file through `mj-studio run` as a child process (USEAPI_TOKEN + --api-base of a
// simulator on 127.0.0.1, --time-scale 0.01, --json), one fault per scenario, then all at once; the kill
// scenario SIGKILLs the runner mid-batch and runs it again with the same --state dir.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JsonFileKeyValueStore } from '../../src/cli/kv-file';
import { JOBS_KEY } from '../../src/core/jobs/persistence';
import { startSimulator } from '../../src/simulator';
import type { RunningSimulator, SimulatorAdmin } from '../../src/simulator';
import { figuresLine, replyRefLookup, verifyOutcomes, waitUntil } from './verify';
import type { Figures, LocalOutcome } from './verify';

const PROMPTS = 100;
export const CLI_TOKEN = 'user:4242-faultSuiteCliToken0';
const CLI_MAIN = join(__dirname, '../../src/cli/main.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;

interface ChildRun {
  child: ChildProcess;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `mj-studio run` (from source through tsx, so the suite never rebuilds dist/ under others' feet). */
export function startCli(dir: string, args: string[], env: NodeJS.ProcessEnv): ChildRun {
  const child = spawn(process.execPath, ['--import', TSX, CLI_MAIN, ...args], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.once('exit', (code, signal) => {
      // 'exit' can come before the pipes are drained.
      child.stdout?.once('close', () => resolve({ code, signal, stdout, stderr }));
      if (child.stdout?.closed) resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, exit };
}

export function promptsFile(dir: string, name: string, count = PROMPTS): string {
  const lines = Array.from({ length: count }, (_, i) => `a fault-suite ${name.replace(/[^a-z0-9]+/gi, ' ')} lighthouse number ${i} --ar 16:9`);
  const file = join(dir, 'batch.prompts');
  writeFileSync(file, `# ${count} prompts for the fault suite\n${lines.join('\n')}\n`);
  return file;
}

interface CliScenario {
  name: string;
  /** Simulator and runner time scale (default 0.01: a render takes ~0.3 s). */
  timeScale?: number;
  sse?: boolean;
  before?(admin: SimulatorAdmin, channels: string[]): void;
  /** Kill the first run after this many accepted jobs, then run again. */
  killAfter?: number;
  during?(admin: SimulatorAdmin, channels: string[], sim: RunningSimulator): Promise<void>;
  expect?(figures: Figures, exitCode: number | null): void;
}

async function runCliScenario(scenario: CliScenario): Promise<Figures> {
  // Small pictures: the runner still downloads and saves 400 files per scenario, without the rendering cost.
  const timeScale = scenario.timeScale ?? 0.01;
  const sim = await startSimulator({ timeScale, seed: 4321, accounts: 2, maxJobs: 5, mediaLongSide: 32 });
  const dir = mkdtempSync(join(tmpdir(), 'mj-faults-cli-'));
  try {
    const channels = sim.admin.channels();
    promptsFile(dir, scenario.name);
    const args = ['run', 'batch.prompts', '--api-base', sim.url, '--time-scale', String(timeScale), '--json', '--state', 'state', '--out', 'out', ...(scenario.sse ? ['--sse'] : []), ...(process.env.FAULTS_DEBUG ? ['-v'] : [])];
    const env = { USEAPI_TOKEN: CLI_TOKEN };
    scenario.before?.(sim.admin, channels);
    const started = Date.now();
    let unrecordedAtKill = 0;
    let firstStderr = '';
    let run = startCli(dir, args, env);
    const during = scenario.during?.(sim.admin, channels, sim);
    if (scenario.killAfter !== undefined) {
      const killAfter = scenario.killAfter;
      let exited = false;
      void run.exit.then(() => (exited = true));
      await waitUntil(() => exited || sim.admin.counters().acceptedJobs >= killAfter, `${killAfter} accepted jobs`);
      assert.ok(!exited, 'the run ended before it could be killed');
      run.child.kill('SIGKILL');
      const killed = await run.exit;
      firstStderr = killed.stderr;
      assert.equal(killed.signal, 'SIGKILL');
      // Jobs whose acceptance was not on disk yet: a restart can only find them while they still run.
      const records = new JsonFileKeyValueStore(join(dir, 'state', 'state.json')).get<{ records: { state: string; jobId?: string }[] }>(JOBS_KEY)?.records ?? [];
      unrecordedAtKill = records.filter((r) => r.state === 'submitting' || (r.state === 'running' && !r.jobId)).length;
      run = startCli(dir, args, env);
    }
    await during;
    const result = await run.exit;
    const elapsed = Date.now() - started;
    const counters = sim.admin.counters();
    sim.admin.set5xxRate(0);
    sim.admin.slowResponses(0);
    const lines = result.stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { type: string; id?: string; jobId?: string; state?: string; reason?: string; completed?: number; notCompleted?: number });
    const report = lines.find((l) => l.type === 'report');
    assert.ok(report, `no final report (exit ${result.code}): ${result.stderr.slice(-2000)}`);
    const outcomes: LocalOutcome[] = lines.filter((l) => l.type === 'job').map((l) => ({ id: l.id ?? '', jobId: l.jobId, state: l.state ?? '', reason: l.reason }));
    if (process.env.FAULTS_DEBUG) {
      for (const ref of counters.duplicateReplyRefs) console.log(ref, '\nFIRST RUN:\n', firstStderr.split('\n').filter((l) => l.includes(ref)).join('\n'), '\nSECOND RUN:\n', result.stderr.split('\n').filter((l) => l.includes(ref)).join('\n'));
    }
    const figures = await verifyOutcomes(`cli ${scenario.name}`, PROMPTS, outcomes, counters, replyRefLookup(sim.url, CLI_TOKEN));
    assert.equal(report.completed, figures.completed, 'the report agrees with the job lines');
    assert.equal(result.code, figures.completed === PROMPTS ? 0 : 1, `exit code ${result.code}: ${result.stderr.slice(-1000)}`);
    console.log(figuresLine(`cli: ${scenario.name}`, figures, PROMPTS, elapsed) + (scenario.killAfter !== undefined ? `; ${unrecordedAtKill} sent but not yet recorded at the kill` : ''));
    // Only a job whose acceptance was not yet on disk when the runner died may end "lost" (with its reason).
    assert.ok(figures.lost <= unrecordedAtKill, `${figures.lost} lost, ${unrecordedAtKill} unrecorded at the kill`);
    for (const o of outcomes.filter((x) => x.state === 'lost')) assert.match(o.reason ?? '', /stopped while this job was being sent/);
    scenario.expect?.(figures, result.code);
    return figures;
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function allCompleted(figures: Figures): void {
  assert.equal(figures.completed, PROMPTS, 'a transient fault must not cost a job');
}

function whenAccepted(admin: SimulatorAdmin, n: number): Promise<void> {
  return waitUntil(() => admin.counters().acceptedJobs >= n, `${n} accepted jobs`);
}

const SCENARIOS: CliScenario[] = [
  { name: 'no faults', expect: allCompleted },
  {
    name: '429 bursts',
    before: (admin) => admin.force429(25),
    during: async (admin) => {
      await whenAccepted(admin, 40);
      admin.force429(25);
    },
    expect: (f) => {
      allCompleted(f);
      assert.equal(f.injected.force429, 50);
    },
  },
  {
    name: '596 lock on one channel',
    during: async (admin, channels) => {
      // Locked while the run is under way, so the runner meets the 596 instead of reading the lock first.
      await whenAccepted(admin, 5);
      admin.lockChannel(channels[0]);
      await whenAccepted(admin, 50);
      // Reset from elsewhere (another window, the web UI): the runner notices it by re-reading the channels.
      admin.unlockChannel(channels[0]);
    },
    expect: (f) => {
      allCompleted(f);
      assert.ok((f.injected['596'] ?? 0) >= 1, 'the lock was met');
    },
  },
  {
    name: '5xx',
    before: (admin) => admin.set5xxRate(0.15, 503),
    expect: (f) => {
      allCompleted(f);
      assert.ok((f.injected['5xx'] ?? 0) > 0);
    },
  },
  {
    name: 'reset before accept',
    before: (admin) => admin.resetConnection({ when: 'beforeAccept', count: 20 }),
    expect: (f) => {
      allCompleted(f);
      assert.equal(f.injected.resetBeforeAccept, 20);
    },
  },
  {
    name: 'reset after accept',
    before: (admin) => admin.resetConnection({ when: 'afterAccept', count: 20 }),
    expect: (f) => {
      allCompleted(f);
      assert.equal(f.injected.resetAfterAccept, 20);
    },
  },
  {
    name: 'SSE dropped mid-job',
    sse: true,
    before: (admin) => admin.dropSse({ afterEvents: 3, count: 20 }),
    expect: (f) => {
      assert.equal(f.injected.sseDropped, 20);
      assert.equal(f.accepted, PROMPTS);
      assert.equal(f.completed + f.failed, PROMPTS);
    },
  },
  {
    name: 'slow past client timeout',
    // --time-scale 0.01 sets the client's timeout to 2 s.
    before: (admin) => admin.slowResponses(2500, 15),
    expect: (f) => {
      allCompleted(f);
      assert.equal(f.injected.slowed, 15);
    },
  },
  {
    name: 'accepted after client timeout',
    // The job is created 2.5 s after the POST; --time-scale 0.01 makes the client give up at 2 s.
    before: (admin) => admin.acceptLate(2500, 10),
    expect: (f) => {
      allCompleted(f);
      assert.equal(f.injected.acceptedLate, 10);
    },
  },
  { name: 'runner SIGKILLed + rerun', killAfter: 35, expect: (f) => assert.equal(f.completed + f.lost, PROMPTS) },
  {
    name: 'all together',
    // Renders of ~1.5 s: at 0.01 a job can finish (0.3 s) before a look slowed by these very faults sees it
    // running, and the service lists running jobs only. Real renders take 30 s.
    timeScale: 0.05,
    killAfter: 45,
    before: (admin) => {
      admin.force429(15);
      admin.set5xxRate(0.05, 502);
      admin.resetConnection({ when: 'beforeAccept', count: 8 });
      // Slowed and accepted late, a POST's job appears 5 s after it was sent: within 3x the 2 s client timeout.
      admin.slowResponses(2500, 8);
      admin.acceptLate(2500, 4);
    },
    during: async (admin, channels) => {
      await whenAccepted(admin, 10);
      admin.lockChannel(channels[1]);
      admin.resetConnection({ when: 'afterAccept', count: 8 });
      await whenAccepted(admin, 30);
      admin.force429(15);
      await whenAccepted(admin, 60);
      admin.unlockChannel(channels[1]);
    },
    // (The lock may be learnt from GET /accounts after a 429 instead of from a 596: both are fine.)
    expect: (f) => assert.equal(f.completed + f.lost, PROMPTS),
  },
];

describe('fault injection: 100 prompts through `mj-studio run`', function () {
  this.timeout(180_000);
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: nothing lost, nothing duplicated, every job terminal`, async () => {
      await runCliScenario(scenario);
    });
  }
});
