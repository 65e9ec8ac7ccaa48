import * as assert from 'node:assert';
import { checkApiToken, checkDiscordToken } from '../../../src/host/tokenFormat';

describe('host/tokenFormat', () => {
  it('accepts a well-formed useapi token, trimmed', () => {
    assert.strictEqual(checkApiToken('  user:1234-abcdefghijklmnopqrstu '), undefined);
  });
  it('rejects empty, malformed and short useapi tokens with a reason', () => {
    assert.match(checkApiToken('') ?? '', /empty/);
    assert.match(checkApiToken('token:1234-abcdefghijklmnop') ?? '', /user:/);
    assert.match(checkApiToken('user:12-ab!cdefghijklmnopq') ?? '', /user:/);
    assert.match(checkApiToken('user:1-abcdefg') ?? '', /too short/);
  });
  it('checks Discord tokens: length ≥ 50 and only [A-Za-z0-9._-]', () => {
    const good = `${'M'.repeat(24)}.${'a'.repeat(6)}.${'b'.repeat(27)}`;
    assert.strictEqual(checkDiscordToken(good), undefined);
    assert.match(checkDiscordToken('abc.def') ?? '', /too short/);
    assert.match(checkDiscordToken(`${good} x`) ?? '', /letters, digits/);
    assert.match(checkDiscordToken('   ') ?? '', /empty/);
  });
});
