import assert from 'node:assert/strict';
import { SecretRegistry, redactSecrets, redactValue } from '../../../src/core/redact';

describe('redactSecrets', () => {
  it('masks useapi tokens, Bearer headers and Discord tokens', () => {
    const discord = 'MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB';
    const text = `token user:1234-engineTestToken00000 header "Authorization: Bearer abc.def" body {"discord":"${discord}"} raw ${discord}`;
    const out = redactSecrets(text);
    assert.ok(!out.includes('engineTestToken00000'));
    assert.ok(!out.includes('abc.def'));
    assert.ok(!out.includes(discord));
    assert.match(out, /Bearer \*\*\*/);
  });

  it('masks explicitly registered secrets and leaves ordinary text alone', () => {
    const registry = new SecretRegistry();
    const forget = registry.register('sk-verySecretValue42');
    assert.equal(redactSecrets('key=sk-verySecretValue42 ok', registry), 'key=*** ok');
    forget();
    assert.equal(redactSecrets('key=sk-verySecretValue42 ok', registry), 'key=sk-verySecretValue42 ok');
    assert.equal(redactSecrets('a cat --ar 16:9 in user:abc'), 'a cat --ar 16:9 in user:abc');
  });

  it('redacts errors and objects', () => {
    const out = redactValue(new Error('failed with user:99-abcdefghij'));
    assert.ok(!out.includes('abcdefghij'));
    assert.ok(!redactValue({ auth: 'Bearer user:1-xyzxyzxyz' }).includes('xyzxyzxyz'));
  });
});
