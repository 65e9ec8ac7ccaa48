// What every fault scenario proves, from the simulator's own counters (not from what the client believes):
// each prompt ended in exactly one accepted job or a reported failure, nothing was submitted twice,
// and every job (local and on the service) reached a terminal state. Also formats the printed figures.
import assert from 'node:assert/strict';
import type { SimulatorCounters } from '../../src/simulator';

/** The local view of one prompt at the end of a scenario (engine record or CLI `--json` line). */
export interface LocalOutcome {
  /** Local id, sent as `replyRef`. */
  id: string;
  jobId?: string;
  state: string;
  reason?: string;
}

export interface Figures {
  completed: number;
  /** Terminal but not completed, with a reason (failed, moderated, cancelled). */
  failed: number;
  /** Ended `lost` (with a reason). */
  lost: number;
  accepted: number;
  duplicates: number;
  injected: Record<string, number>;
  requests: number;
}

const TERMINAL = new Set(['completed', 'moderated', 'failed', 'cancelled', 'lost']);
const RUNNING_ON_SERVICE = ['created', 'started', 'progress'];

/**
 * Asserts the promises of the engine against the simulator's counters and returns the figures.
 * `jobReplyRef` gives the `request.replyRef` the service stored for a job id (GET /jobs/{id}).
 */
export async function verifyOutcomes(
  name: string,
  prompts: number,
  outcomes: readonly LocalOutcome[],
  counters: SimulatorCounters,
  jobReplyRef: (jobId: string) => Promise<string | undefined>,
): Promise<Figures> {
  assert.equal(outcomes.length, prompts, `${name}: one local job per prompt`);
  assert.equal(new Set(outcomes.map((o) => o.id)).size, prompts, `${name}: local ids are distinct`);
  const byId = new Map(outcomes.map((o) => [o.id, o]));

  // Nothing submitted twice.
  assert.deepEqual(counters.duplicateReplyRefs, [], `${name}: duplicate submissions`);
  for (const [ref, count] of Object.entries(counters.submissionsByReplyRef)) {
    assert.equal(count, 1, `${name}: replyRef ${ref} accepted ${count} times`);
    assert.ok(byId.has(ref), `${name}: the service accepted a job (replyRef ${ref}) that no local job owns`);
  }
  assert.equal(counters.acceptedJobs, Object.keys(counters.submissionsByReplyRef).length, `${name}: every accepted job carries a replyRef`);

  // Every prompt: exactly one accepted job, or a reported failure; every local job terminal.
  for (const outcome of outcomes) {
    assert.ok(TERMINAL.has(outcome.state), `${name}: job ${outcome.id} ended in "${outcome.state}", not a terminal state`);
    const accepted = counters.submissionsByReplyRef[outcome.id] ?? 0;
    if (outcome.state === 'completed') {
      assert.equal(accepted, 1, `${name}: completed job ${outcome.id} was accepted ${accepted} times`);
      assert.ok(outcome.jobId, `${name}: completed job ${outcome.id} has no job id`);
    } else {
      assert.ok(outcome.reason && outcome.reason.length > 0, `${name}: job ${outcome.id} ended ${outcome.state} without a reason`);
    }
    if (accepted === 0) assert.notEqual(outcome.state, 'completed', `${name}: ${outcome.id} completed without being accepted`);
  }

  // The local job id maps back to the job that carries its replyRef on the service.
  for (const outcome of outcomes) {
    if (!outcome.jobId) continue;
    assert.equal(await jobReplyRef(outcome.jobId), outcome.id, `${name}: ${outcome.jobId} does not carry replyRef ${outcome.id}`);
  }

  // Nothing left running on the service.
  for (const status of RUNNING_ON_SERVICE) assert.equal(counters.jobsByState[status] ?? 0, 0, `${name}: ${counters.jobsByState[status]} jobs still ${status} on the service`);

  const injected: Record<string, number> = { ...counters.faultsInjected };
  for (const status of ['429', '596']) if (counters.responsesByStatus[status]) injected[status] = counters.responsesByStatus[status];
  return {
    completed: outcomes.filter((o) => o.state === 'completed').length,
    failed: outcomes.filter((o) => o.state !== 'completed' && o.state !== 'lost').length,
    lost: outcomes.filter((o) => o.state === 'lost').length,
    accepted: counters.acceptedJobs,
    duplicates: counters.duplicateReplyRefs.length,
    injected,
    requests: Object.values(counters.requests).reduce((a, b) => a + b, 0),
  };
}

/** One line per scenario. */
export function figuresLine(name: string, figures: Figures, prompts: number, elapsedMs: number): string {
  const i = figures.injected;
  const resets = (i.resetBeforeAccept ?? 0) + (i.resetAfterAccept ?? 0);
  return (
    `      [faults] ${name.padEnd(26)} completed ${figures.completed}/${prompts}, failed ${figures.failed}, lost ${figures.lost}; ` +
    `accepted ${figures.accepted}, duplicates ${figures.duplicates}; ` +
    `injected 429 ${i['429'] ?? 0} (forced ${i.force429 ?? 0}), 596 ${i['596'] ?? 0}, 5xx ${i['5xx'] ?? 0}, resets ${resets} ` +
    `(before ${i.resetBeforeAccept ?? 0}/after ${i.resetAfterAccept ?? 0}), sse drops ${i.sseDropped ?? 0}, slowed ${i.slowed ?? 0}, accepted late ${i.acceptedLate ?? 0}; ` +
    `requests/job ${(figures.requests / prompts).toFixed(2)}; elapsed ${(elapsedMs / 1000).toFixed(1)} s`
  );
}

/** `request.replyRef` of a job as the simulator stores it (plain GET over loopback). */
export function replyRefLookup(origin: string, token: string): (jobId: string) => Promise<string | undefined> {
  return async (jobId) => {
    const response = await fetch(`${origin}/v3/midjourney/jobs/${jobId}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { request?: { replyRef?: unknown } };
    return typeof body.request?.replyRef === 'string' ? body.request.replyRef : undefined;
  };
}

/** Resolves when `predicate` is true (checked every 20 ms), or rejects after `timeoutMs`. */
export async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
