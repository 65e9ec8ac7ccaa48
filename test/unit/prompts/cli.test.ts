import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { runCheck, runExpand, type Output } from '../../../src/cli/prompts';

const fixtures = path.join(__dirname, '../../fixtures/prompts');

function capture(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

describe('mj-studio check / expand', () => {
  it('check --json prints one object per problem and exits 1 on errors', async () => {
    const io = capture();
    const code = await runCheck([path.join(fixtures, 'problems.prompts'), '--json'], io);
    assert.equal(code, 1);
    const problems = io.stdout.map((l) => JSON.parse(l) as { line: number; column: number; severity: string; code: string; message: string });
    assert.deepEqual(problems.map((p) => [p.line, p.code]), [
      [2, 'missing-space'], [3, 'unknown-parameter'], [4, 'version-mismatch'], [5, 'requires-video'], [6, 'image-not-found'], [7, 'out-of-range'],
    ]);
    assert.equal(problems[0].column, 7);
    assert.ok(problems.every((p) => p.severity === 'error' && p.message.length > 0));
  });

  it('check exits 0 on a clean file and prints a summary', async () => {
    const io = capture();
    assert.equal(await runCheck([path.join(fixtures, 'clean.prompts')], io), 0);
    assert.deepEqual(io.stdout, []);
    assert.match(io.stderr[0], /3 prompts, 6 jobs; 0 errors, 0 warnings/);
  });

  it('expand --json prints the jobs it would send', async () => {
    const io = capture();
    assert.equal(await runExpand([path.join(fixtures, 'clean.prompts'), '--json'], io), 0);
    const out = JSON.parse(io.stdout.join('\n')) as { jobs: { request: { prompt: string; channel?: string }; source: { line: number; block?: string } }[]; estimate: { jobs: number } };
    assert.equal(out.jobs.length, 6);
    assert.equal(out.estimate.jobs, 6);
    assert.deepEqual(out.jobs[0].request, { verb: 'imagine', prompt: 'a red castle on a hill --chaos 10 --ar 16:9 --v 7', channel: '1234567890' });
    assert.deepEqual([out.jobs[5].source.line, out.jobs[5].source.block], [9, 'video']);
  });

  it('usage errors exit 2', async () => {
    const io = capture();
    assert.equal(await runCheck([], io), 2);
    assert.equal(await runExpand(['nope.prompts', '--bogus'], io), 2);
    assert.equal(await runCheck([path.join(fixtures, 'does-not-exist.prompts')], io), 2);
  });
});
