// Accounts CRUD (CONTRACT.md §2 rows 1–5, §9.3, §14 #16, #23).
import assert from 'node:assert/strict';
import { AccountSchema, AccountsMapSchema } from '../../../src/core/api/schemas';
import type { RunningSimulator } from '../../../src/simulator/index';
import { API, call, errorOf, start } from './helpers';

const FAKE_DISCORD = 'SIMTEST.fake-discord-token-for-tests-only.0000000000000000xyz';

describe('simulator: accounts', () => {
  let sim: RunningSimulator;

  beforeEach(async () => {
    sim = await start({ accounts: 0 });
  });
  afterEach(async () => {
    await sim.close();
  });

  it('answers 404 with an empty body when nothing is configured', async () => {
    const answer = await call(sim, 'GET', `${API}/accounts`);
    assert.equal(answer.status, 404);
    assert.equal(answer.text, '');
    const job = await call(sim, 'POST', `${API}/jobs/imagine`, { prompt: 'no account', stream: false });
    assert.equal(job.status, 400);
  });

  it('creates (201), updates (200), reads, lists and deletes an account', async () => {
    const created = await call(sim, 'POST', `${API}/accounts`, { discord: FAKE_DISCORD, maxJobs: 5, maxImageJobs: 4, maxVideoJobs: 2, replyUrl: 'https://example.invalid/hook' });
    assert.equal(created.status, 201, created.text);
    const account = AccountSchema.parse(created.json);
    assert.equal(account.discord, 'SIM...xyz');
    assert.match(account.channel, /^\d{19}$/);
    assert.deepEqual([account.maxJobs, account.maxImageJobs, account.maxVideoJobs, account.replyUrl], [5, 4, 2, 'https://example.invalid/hook']);
    assert.ok(!created.text.includes(FAKE_DISCORD), 'the Discord token never comes back');

    const updated = await call(sim, 'POST', `${API}/accounts`, { discord: FAKE_DISCORD, maxJobs: 3 });
    assert.equal(updated.status, 200);
    const same = AccountSchema.parse(updated.json);
    assert.equal(same.channel, account.channel, 'the channel id is stable per Discord token');
    assert.deepEqual([same.maxJobs, same.maxImageJobs, same.maxVideoJobs], [3, 3, 3]);

    const map = AccountsMapSchema.parse((await call(sim, 'GET', `${API}/accounts`)).json);
    assert.deepEqual(Object.keys(map), [account.channel]);
    const one = await call(sim, 'GET', `${API}/accounts/${account.channel}`);
    assert.equal(one.status, 200);
    assert.equal(AccountSchema.parse(one.json).channel, account.channel);

    const removed = await call(sim, 'DELETE', `${API}/accounts/${account.channel}`);
    assert.equal(removed.status, 204);
    assert.equal(removed.text, '');
    const gone = await call(sim, 'GET', `${API}/accounts/${account.channel}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.text, '');
    assert.equal((await call(sim, 'DELETE', `${API}/accounts/${account.channel}`)).status, 404);
  });

  it('accepts multipart account bodies', async () => {
    const form = new FormData();
    form.set('discord', FAKE_DISCORD);
    form.set('maxJobs', '2');
    form.set('maxImageJobs', '2');
    form.set('maxVideoJobs', '1');
    const answer = await call(sim, 'POST', `${API}/accounts`, form);
    assert.equal(answer.status, 201, answer.text);
    assert.equal(AccountSchema.parse(answer.json).maxVideoJobs, 1);
  });

  it('validates account fields with 400', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{}, /discord is missing/],
      [{ discord: 'short' }, /Invalid Discord token/],
      [{ discord: `${FAKE_DISCORD}!` }, /Invalid Discord token/],
      [{ discord: FAKE_DISCORD, maxJobs: 0 }, /maxJobs must be between 1 and 15/],
      [{ discord: FAKE_DISCORD, maxJobs: 16 }, /maxJobs must be between 1 and 15/],
      [{ discord: FAKE_DISCORD, maxJobs: 15, maxImageJobs: 13 }, /maxImageJobs must be between 1 and 12/],
      [{ discord: FAKE_DISCORD, maxJobs: 15, maxVideoJobs: 0 }, /maxVideoJobs must be between 1 and 12/],
      [{ discord: FAKE_DISCORD, maxJobs: 2, maxImageJobs: 3 }, /maxImageJobs must not exceed maxJobs/],
      [{ discord: FAKE_DISCORD, maxJobs: 2, maxImageJobs: 2, maxVideoJobs: 3 }, /maxVideoJobs must not exceed maxJobs/],
      [{ discord: FAKE_DISCORD, maxJobs: 2.5 }, /must be an integer/],
      [{ discord: FAKE_DISCORD, replyUrl: `https://example.invalid/${'x'.repeat(2048)}` }, /replyUrl is too long \(max 2048\)/],
    ];
    for (const [body, error] of cases) {
      const answer = await call(sim, 'POST', `${API}/accounts`, body);
      assert.equal(answer.status, 400, JSON.stringify(body).slice(0, 80));
      assert.match(errorOf(answer), error);
    }
    assert.equal((await call(sim, 'GET', `${API}/accounts`)).status, 404);
  });

  it('runs jobs on a configured account with its limits', async () => {
    const created = AccountSchema.parse((await call(sim, 'POST', `${API}/accounts`, { discord: FAKE_DISCORD, maxJobs: 1, maxImageJobs: 1, maxVideoJobs: 1 })).json);
    const job = await call(sim, 'POST', `${API}/jobs/imagine`, { prompt: 'on my account', stream: false });
    assert.equal(job.status, 201);
    assert.match((job.json as { jobid: string }).jobid, new RegExp(`-c${created.channel}-`));
    assert.equal((await call(sim, 'POST', `${API}/jobs/imagine`, { prompt: 'second', stream: false })).status, 429);
  });
});
