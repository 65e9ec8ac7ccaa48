// `mj-studio simulator`: argument parsing and a real run that prints the origin and demo token,
// answers requests, and stops on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseSimulatorArgs } from '../../../src/simulator/index';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

describe('simulator: CLI', () => {
  it('parses the documented options', () => {
    assert.deepEqual(parseSimulatorArgs(['--port', '4100', '--time-scale', '0.01', '--seed', '7', '--accounts', '2', '--max-jobs', '5']), {
      port: 4100,
      timeScale: 0.01,
      seed: 7,
      accounts: 2,
      maxJobs: 5,
    });
    assert.deepEqual(parseSimulatorArgs(['--port=0']), { port: 0 });
    assert.throws(() => parseSimulatorArgs(['--port']), /--port needs/);
    assert.throws(() => parseSimulatorArgs(['--time-scale', '0']), /greater than 0/);
    assert.throws(() => parseSimulatorArgs(['--max-jobs', '16']), /between 1 and 15/);
    assert.throws(() => parseSimulatorArgs(['--bogus']), /unknown option --bogus/);
  });

  it('runs standalone, prints the origin and demo token, and stops on SIGTERM', async function () {
    this.timeout(30_000);
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', "require('./src/simulator/index.ts').runSimulatorCli(['--time-scale', '0.01', '--seed', '3'])"], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 200 && !/demo token: \S+/.test(output); i++) await new Promise((r) => setTimeout(r, 50));
      const origin = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(output)?.[1];
      const token = /^demo token: (\S+)$/m.exec(output)?.[1];
      assert.ok(origin && token, `unexpected output: ${output}`);
      const response = await fetch(`${origin}/v3/midjourney/accounts`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(response.status, 200);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });
});
