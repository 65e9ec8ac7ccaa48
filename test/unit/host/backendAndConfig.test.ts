import * as assert from 'node:assert';
import { backendKey, chooseBackend } from '../../../src/host/backendChoice';
import { readStudioConfig } from '../../../src/host/configModel';

describe('host/backendChoice', () => {
  it('uses the simulator without a token unless demo mode is never', () => {
    assert.deepStrictEqual(chooseBackend('auto', '', false), { kind: 'simulator' });
    assert.deepStrictEqual(chooseBackend('never', '', false), { kind: 'needsToken' });
    assert.deepStrictEqual(chooseBackend('always', 'https://other.test', true), { kind: 'simulator' });
  });
  it('uses useapi.net, or the configured origin, with a token', () => {
    assert.deepStrictEqual(chooseBackend('auto', '', true), { kind: 'useapi', url: 'https://api.useapi.net' });
    assert.deepStrictEqual(chooseBackend('never', 'http://127.0.0.1:9000/', true), { kind: 'useapi', url: 'http://127.0.0.1:9000' });
    assert.notStrictEqual(backendKey({ kind: 'useapi', url: 'a' }), backendKey({ kind: 'useapi', url: 'b' }));
  });
});

describe('host/configModel', () => {
  it('returns the defaults for an empty configuration', () => {
    const { config, warnings } = readStudioConfig(() => undefined);
    assert.deepStrictEqual(warnings, []);
    assert.strictEqual(config.demoMode, 'auto');
    assert.strictEqual(config.pollIntervalMs, 4000);
    assert.strictEqual(config.download.maxCacheBytes, 2048 * 1024 * 1024);
    assert.strictEqual(config.output.pattern, '{date}/{block}-{prompt}-{index}');
  });
  it('rejects invalid values with a warning and keeps the default', () => {
    const values: Record<string, unknown> = {
      apiBaseUrl: 'https://api.useapi.net/v3/midjourney',
      demoMode: 'sometimes',
      pollIntervalSeconds: 1,
      'output.folder': '../outside',
      'output.pattern': '{date}/{nope}',
      maxConcurrentJobs: 7,
      'batch.sequential': 'yes',
    };
    const { config, warnings } = readStudioConfig((k) => values[k]);
    assert.strictEqual(config.apiBaseUrl, '');
    assert.strictEqual(config.demoMode, 'auto');
    assert.strictEqual(config.pollIntervalMs, 4000);
    assert.strictEqual(config.output.folder, 'midjourney');
    assert.strictEqual(config.output.pattern, '{date}/{block}-{prompt}-{index}');
    assert.strictEqual(config.maxConcurrentJobs, 7);
    assert.strictEqual(config.batch.sequential, false);
    assert.strictEqual(warnings.length, 6);
  });
  it('normalizes an origin with a trailing slash', () => {
    assert.strictEqual(readStudioConfig((k) => (k === 'apiBaseUrl' ? 'http://127.0.0.1:8080/' : undefined)).config.apiBaseUrl, 'http://127.0.0.1:8080');
  });
});
