// The tests module VS Code loads into the extension host (extensionTestsPath). It runs every
// test/integration/*.test.ts with mocha and reports a machine-readable summary line to the harness.
import Mocha from 'mocha';
// A virtual module made by esbuild.mjs: one `require()` per test/integration/*.test.ts file,
// evaluated only after mocha has installed its globals.
import { loadSuites } from 'integration-suites';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 120_000, reporter: 'spec' });
  mocha.suite.emit('pre-require', globalThis, 'integration', mocha);
  loadSuites();
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run((count) => resolve(count));
    runner.on('end', () => {
      const stats = runner.stats ?? { passes: 0, failures: 0, pending: 0, tests: 0 };
      console.log(`MJ_RESULT ${JSON.stringify({ passes: stats.passes, failures: stats.failures, pending: stats.pending })}`);
    });
  });
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
