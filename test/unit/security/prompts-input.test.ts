// Bad .prompts files through `mj-studio check/run` and core/prompts: malformed, binary, not UTF-8, huge.
// Each gets a clear error that says what to fix, no crash, and nothing reaches the service.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/main';
import { MAX_PROMPTS_FILE_BYTES, analyzeFile, promptsFileProblem } from '../../../src/core/prompts';
import { startSimulator } from '../../../src/simulator';
import type { RunningSimulator } from '../../../src/simulator';
import { capture, filesUnder } from './helpers';

const TOKEN = 'user:4242-securityPromptsToken0';
const PNG = readFileSync(join(__dirname, '../../../media/icon.png'));

describe('hostile .prompts files', function () {
  this.timeout(30_000);
  let dir: string;
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator({ timeScale: 0.01, seed: 3 });
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mj-sec-prompts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** `mj-studio run` against the test simulator; asserts nothing at all reached it. */
  async function runRefused(file: string, expected: RegExp): Promise<string> {
    const before = sim.admin.counters().requests;
    const c = capture(dir, { USEAPI_TOKEN: TOKEN });
    const code = await runCli(['run', file, '--api-base', sim.url, '--time-scale', '0.01', '--out', 'out'], c.io);
    assert.equal(code, 2, `exit code; stderr: ${c.stderr()}`);
    assert.match(c.stderr(), expected);
    assert.match(c.stderr(), /Nothing was sent/);
    assert.deepEqual(sim.admin.counters().requests, before, 'no request reached the service');
    assert.deepEqual(filesUnder(join(dir, 'out')), [], 'nothing written');
    assert.ok(!c.stderr().includes(TOKEN) && !c.stdout().includes(TOKEN));
    return c.stderr();
  }

  async function checkRefused(file: string, expected: RegExp): Promise<void> {
    const c = capture(dir);
    const code = await runCli(['check', file], c.io);
    assert.equal(code, 2, c.stderr());
    assert.match(c.stderr(), expected);
    assert.equal(c.stdout(), '', 'no diagnostics listing for a file that is not text');
  }

  it('a binary file (an image renamed .prompts) is refused as not text, by check and by run', async () => {
    writeFileSync(join(dir, 'image.prompts'), PNG);
    const problem = promptsFileProblem(PNG);
    assert.match(problem ?? '', /binary file/);
    await checkRefused(join(dir, 'image.prompts'), /image\.prompts: the file contains NUL bytes: it looks like a binary file/);
    await runRefused('image.prompts', /image\.prompts: the file contains NUL bytes/);
  });

  it('a file that is not UTF-8 is refused with "save it as UTF-8"', async () => {
    const latin1 = Buffer.from('une for\xeat en hiver --ar 16:9\n', 'latin1');
    writeFileSync(join(dir, 'latin1.prompts'), latin1);
    await checkRefused(join(dir, 'latin1.prompts'), /not valid UTF-8 text\. Save it as UTF-8/);
    await runRefused('latin1.prompts', /not valid UTF-8/);
  });

  it('a huge file is refused before it is parsed ("split it"), by check and by run', async () => {
    const line = 'a lighthouse on a cliff at dusk, {red, blue} sky --ar 16:9\n';
    const huge = line.repeat(Math.ceil((MAX_PROMPTS_FILE_BYTES + 1) / line.length));
    writeFileSync(join(dir, 'huge.prompts'), huge);
    await checkRefused(join(dir, 'huge.prompts'), /at most 2 MB\. Split it into smaller files/);
    await runRefused('huge.prompts', /huge\.prompts: the file is 2\.0 MB; a \.prompts file may be at most 2 MB/);
  });

  it('core/prompts survives garbage without throwing: control characters, NULs, lone surrogates, deep braces', () => {
    const nasty = [
      '\u0000\u0001\u0002 a cat \u001b[31m red \u007f',
      '{'.repeat(5000) + 'deep' + '}'.repeat(10),
      '{a,'.repeat(200) + ' b',
      '\ud800 lone surrogate --ar 1:1',
      '--ar --v --no --chaos 9999 --seed -5 ::: :: @@@ @repeat 1e9',
      '#'.repeat(10_000),
      'x'.repeat(100_000) + ' --ar 16:9',
      '```\n@import ../../../../etc/passwd\n@defaults --ar banana',
    ].join('\n');
    const analysis = analyzeFile(nasty, { file: '/tmp/x.prompts', fileDir: '/tmp', fileExists: () => false, workspaceRoot: '/tmp' });
    assert.ok(analysis.diagnostics.some((d) => d.severity === 'error'), 'garbage is reported');
    assert.ok(analysis.diagnostics.some((d) => /nest more than 32 levels deep/.test(d.message)), 'deep nesting is an error, not a stack overflow');
    for (const d of analysis.diagnostics) assert.ok(d.message.length > 0 && d.line >= 0);
    for (const job of analysis.jobs) assert.ok(job.request.prompt.length <= 5000, 'no job over the prompt limit');
  });

  it('core/prompts handles a file just under the size cap (tens of thousands of prompts) without failing', () => {
    const line = 'a lighthouse on a cliff at dusk --ar 16:9\n';
    const text = line.repeat(Math.floor(MAX_PROMPTS_FILE_BYTES / line.length));
    assert.equal(promptsFileProblem(Buffer.from(text)), undefined);
    const analysis = analyzeFile(text, { file: '/tmp/big.prompts', fileDir: '/tmp', fileExists: () => false, workspaceRoot: '/tmp' });
    assert.equal(analysis.jobs.length, Math.floor(MAX_PROMPTS_FILE_BYTES / line.length));
    assert.equal(analysis.diagnostics.filter((d) => d.severity === 'error').length, 0);
  });

  it('a malformed prompts file gets line:column diagnostics saying what to fix, and run sends nothing', async () => {
    writeFileSync(join(dir, 'bad.prompts'), 'a {red, blue cat\n--ar banana\n@repeat 999\na cat --no\na fine dog\n');
    const c = capture(dir);
    assert.equal(await runCli(['check', join(dir, 'bad.prompts')], c.io), 1);
    assert.match(c.stdout(), /bad\.prompts:1:\d+: error unbalanced-braces: .*permutations are written `\{a, b\}`/);
    assert.match(c.stdout(), /bad\.prompts:2:\d+: error invalid-value: --ar needs width:height/);
    assert.match(c.stdout(), /bad\.prompts:3:\d+: error invalid-directive: @repeat needs a whole number/);
    assert.match(c.stdout(), /bad\.prompts:4:\d+: error missing-value: --no needs a value/);
    await runRefused('bad.prompts', /bad\.prompts:1:\d+: error: This `\{` is never closed/);
  });
});
