import * as assert from 'node:assert';
import { checkAccountLimits, checkApiToken, checkDiscordToken } from '../../../src/host/tokenFormat';

describe('host/tokenFormat', () => {
  it('accepts a well-formed useapi token, trimmed', () => {
    assert.strictEqual(checkApiToken('  user:1234-fakeFormatCheckToken0 '), undefined);
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
  it('checks channel limits: 1–15 jobs, 1–12 per kind, never above maxJobs; default 3', () => {
    assert.strictEqual(checkAccountLimits({}), undefined);
    assert.strictEqual(checkAccountLimits({ maxJobs: 15, maxImageJobs: 12, maxVideoJobs: 12 }), undefined);
    assert.match(checkAccountLimits({ maxJobs: 16 }) ?? '', /maxJobs/);
    assert.match(checkAccountLimits({ maxJobs: 2 }) ?? '', /maxImageJobs/);
    assert.match(checkAccountLimits({ maxJobs: 5, maxImageJobs: 5, maxVideoJobs: 0 }) ?? '', /maxVideoJobs/);
    assert.match(checkAccountLimits({ maxJobs: 3.5 }) ?? '', /maxJobs/);
  });
});
