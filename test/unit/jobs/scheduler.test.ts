import assert from 'node:assert/strict';
import { ANY_CHANNEL, JobScheduler, slotKindOf } from '../../../src/core/jobs/scheduler';

const A = '1111111111111111111';
const B = '2222222222222222222';

function account(channel: string, maxJobs: number, maxImageJobs: number, maxVideoJobs: number, error?: string) {
  return { discord: 'MTI...xyz', channel, maxJobs, maxImageJobs, maxVideoJobs, ...(error ? { error } : {}) };
}

describe('JobScheduler', () => {
  it('never plans more than a channel fits and keeps image and video budgets apart', () => {
    const scheduler = new JobScheduler();
    scheduler.learnAccounts({ [A]: account(A, 3, 2, 1) });
    const picks: (string | undefined)[] = [];
    for (let i = 0; i < 3; i++) {
      const channel = scheduler.pick('image', undefined, 0);
      picks.push(channel);
      if (channel !== undefined) scheduler.reserve(`img${i}`, channel, 'image');
    }
    assert.deepEqual(picks, [A, A, undefined]); // image budget 2
    assert.equal(scheduler.pick('video', undefined, 0), A); // video budget still free, total 2 < 3
    scheduler.reserve('vid', A, 'video');
    assert.equal(scheduler.pick('video', undefined, 0), undefined);
    assert.equal(scheduler.pick('none', undefined, 0), A); // settings-type commands take no slot
    scheduler.release('img0');
    assert.equal(scheduler.pick('image', undefined, 0), A);
  });

  it('counts load we did not create from GET /jobs', () => {
    const scheduler = new JobScheduler();
    scheduler.learnAccounts({ [A]: account(A, 3, 3, 3) });
    scheduler.reserve('mine', A, 'image');
    scheduler.learnRunning({ total: 3, images: 3, videos: 0, channels: { [A]: { total: 3, images: 3, videos: 0, maxJobs: 3, maxImageJobs: 3, maxVideoJobs: 3, jobs: [] } } });
    assert.ok(scheduler.hasExternalLoad());
    assert.equal(scheduler.pick('image', undefined, 0), undefined);
  });

  it('pins to a channel, prefers the emptier one, skips locked and busy channels', () => {
    const scheduler = new JobScheduler({ random: () => 0.5, backoffBaseMs: 1000 });
    scheduler.learnAccounts({ [A]: account(A, 3, 3, 3), [B]: account(B, 12, 12, 3) });
    assert.equal(scheduler.pick('image', undefined, 0), B);
    assert.equal(scheduler.pick('image', A, 0), A);
    assert.ok(scheduler.lock(B, 'Pending mod message'));
    assert.equal(scheduler.lock(B, 'again'), false, 'a lock is reported once');
    assert.equal(scheduler.pick('image', undefined, 0), A);
    assert.equal(scheduler.pick('image', B, 0), undefined);
    const until = scheduler.markBusy(A, 0);
    assert.equal(until, 750); // 1000 × (0.5 + 0.5 × 0.5)
    assert.equal(scheduler.pick('image', undefined, 100), undefined);
    assert.equal(scheduler.nextBusyEnd(100), 750);
    assert.equal(scheduler.pick('image', undefined, 800), A);
    assert.ok(scheduler.unlock(B));
    assert.equal(scheduler.pick('image', B, 0), B);
  });

  it('backs off exponentially with a cap and honours Retry-After', () => {
    const scheduler = new JobScheduler({ random: () => 1, backoffBaseMs: 1000, backoffMaxMs: 4000 });
    scheduler.learnAccounts({ [A]: account(A, 3, 3, 3) });
    assert.deepEqual([1, 2, 3, 4].map(() => scheduler.markBusy(A, 0)), [1000, 2000, 4000, 4000]);
    assert.equal(scheduler.markBusy(A, 0, 9000), 9000);
    scheduler.markAccepted(A);
    assert.equal(scheduler.markBusy(A, 0), 1000);
  });

  it('uses a default pool while no channel is known and a global ceiling', () => {
    const scheduler = new JobScheduler({ maxConcurrentJobs: 2 });
    assert.equal(scheduler.pick('image', undefined, 0), ANY_CHANNEL);
    scheduler.reserve('1', ANY_CHANNEL, 'image');
    scheduler.reserve('2', ANY_CHANNEL, 'image');
    assert.equal(scheduler.pick('image', undefined, 0), undefined);
  });

  it('knows which requests draw which budget', () => {
    assert.equal(slotKindOf({ verb: 'imagine', prompt: 'https://x/a.png a cat --video --motion low' }), 'video');
    assert.equal(slotKindOf({ verb: 'imagine', prompt: 'a cat' }), 'image');
    assert.equal(slotKindOf({ verb: 'button', parentJobId: 'x', button: 'Animate (High motion)' }), 'video');
    assert.equal(slotKindOf({ verb: 'button', parentJobId: 'x', button: 'U1' }, 'video'), 'video');
    assert.equal(slotKindOf({ verb: 'fast' }), 'none');
  });
});
