// A window reload mid-batch (issue 8): run the twelve prompts of reload.prompts in demo mode, reload the
// page while some jobs are finished and others are still running or queued (code-server restarts the
// extension host), and check that the Jobs tree shows the same twelve jobs, that they all complete, and
// from the demo simulator's own counters that each prompt was accepted exactly once (nothing resent).
// The demo simulator runs in its own process on MJ_STUDIO_DEMO_PORT (set by run-e2e.mjs).
import * as assert from 'node:assert';
import type { Locator, Page } from 'playwright-core';
import type { Workbench } from './workbench';

const PROMPTS = 12;
const FILE = 'reload.prompts';

interface Counters {
  acceptedJobs: number;
  duplicateReplyRefs: string[];
  submissionsByReplyRef: Record<string, number>;
}

async function counters(): Promise<Counters | undefined> {
  const port = process.env.MJ_STUDIO_DEMO_PORT;
  assert.ok(port, 'run-e2e.mjs sets MJ_STUDIO_DEMO_PORT');
  try {
    const response = await fetch(`http://127.0.0.1:${port}/__sim/counters`);
    return response.ok ? ((await response.json()) as Counters) : undefined;
  } catch {
    return undefined; // not started yet
  }
}

function log(line: string): void {
  console.log(`[reload] ${line}`);
}

/** The reload jobs' rows (label, then description: "queued (batch)", "42%", "4 images", "lost: …"). */
async function jobRows(pane: Locator): Promise<string[]> {
  const texts = await pane.locator('.monaco-list-row', { hasText: /reload \d\d/ }).allInnerTexts();
  return texts.map((t) => t.replace(/\s+/g, ' ').trim());
}

function tally(rows: readonly string[]): { done: number; queued: number; running: number; other: string[] } {
  const done = rows.filter((r) => r.includes('4 images')).length;
  const queued = rows.filter((r) => r.includes('queued')).length;
  const running = rows.filter((r) => /\d+%|starting…|waiting to start|submitting…/.test(r)).length;
  const other = rows.filter((r) => /\b(lost|failed|moderated|cancelled)\b/.test(r));
  return { done, queued, running, other };
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function jobsPane(page: Page): Locator {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Jobs' }) }).first();
}

/**
 * Collapses (or re-expands) the other Midjourney panes so that the Jobs tree has the sidebar's height:
 * a tree renders only the rows that are on screen.
 */
async function otherPanes(page: Page, expanded: boolean): Promise<void> {
  for (const title of ['Channels', 'Latest Results']) {
    const header = page.locator('.sidebar .pane-header', { hasText: title }).first();
    if ((await header.count()) === 0) continue;
    if ((await header.getAttribute('aria-expanded')) !== String(expanded)) await header.click();
  }
}

/** Shows only this scenario's jobs, so all of them fit in the view (the tree renders visible rows only). */
async function filterJobs(wb: Workbench, text: string): Promise<void> {
  await wb.runCommand('Midjourney: Filter Jobs…');
  await wb.answerQuickInput(text);
}

export async function reloadScenario(page: Page, wb: Workbench): Promise<void> {
  await wb.openMidjourneyViews();
  const pane = jobsPane(page);
  await pane.locator('text=Demo mode').first().waitFor({ state: 'visible' });
  await otherPanes(page, false);
  const baseline = (await counters())?.acceptedJobs ?? 0;

  // Open reload.prompts and run the whole file (confirming the modal "Send 12 Midjourney jobs").
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(FILE);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: FILE }).first().waitFor({ state: 'visible' });
  await input.press('Enter');
  await page.locator('.tab.active', { hasText: FILE }).waitFor({ state: 'visible' });
  await wb.runCommand('Midjourney: Run Prompts File');
  const send = page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Send' });
  await send.waitFor({ state: 'visible' });
  assert.match(await page.locator('.monaco-dialog-box').innerText(), new RegExp(`Send ${PROMPTS} Midjourney jobs`));
  await send.click();
  await filterJobs(wb, 'reload');

  // Mid-batch: some finished, some still queued or running.
  const before = await until('a batch that is part done', 180_000, async () => {
    const rows = await jobRows(pane);
    const t = tally(rows);
    return rows.length === PROMPTS && t.done >= 1 && t.queued + t.running >= 1 ? { rows, ...t } : undefined;
  });
  const acceptedBefore = ((await counters())?.acceptedJobs ?? 0) - baseline;
  log(`before the reload: ${before.rows.length} jobs (${before.done} done, ${before.running} running, ${before.queued} queued), ${acceptedBefore} accepted by the simulator`);
  await wb.screenshot('reload-before');
  assert.deepStrictEqual(before.other, [], 'nothing failed or was lost before the reload');

  // The reload: the page and its extension host restart; the detached demo simulator keeps running.
  await page.reload();
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
  await wb.openMidjourneyViews();
  await pane.locator('.monaco-list-row').first().waitFor({ state: 'visible', timeout: 60_000 });
  await otherPanes(page, false);
  await filterJobs(wb, 'reload');

  const after = await until(`the ${PROMPTS} jobs in the tree again`, 60_000, async () => {
    const rows = await jobRows(pane);
    return rows.length >= PROMPTS ? rows : undefined;
  });
  const afterTally = tally(after);
  log(`after the reload: ${after.length} jobs (${afterTally.done} done, ${afterTally.running} running, ${afterTally.queued} queued)`);
  await wb.screenshot('reload-after');
  assert.strictEqual(after.length, PROMPTS, 'the same jobs, none added');
  assert.deepStrictEqual(afterTally.other, [], 'nothing lost across the reload');

  // They all complete, each exactly once.
  const finished = await until('every job to complete', 300_000, async () => {
    const rows = await jobRows(pane);
    const t = tally(rows);
    if (t.other.length > 0) throw new Error(`a job did not complete: ${t.other.join(' | ')}`);
    return rows.length === PROMPTS && t.done === PROMPTS ? rows : undefined;
  });
  await wb.screenshot('reload-finished');
  const final = await counters();
  assert.ok(final, 'the demo simulator from before the reload still answers');
  const accepted = final.acceptedJobs - baseline;
  log(`finished: ${finished.length} jobs in the tree, ${accepted} accepted submissions, duplicates ${JSON.stringify(final.duplicateReplyRefs)}`);
  assert.strictEqual(accepted, PROMPTS, 'each prompt accepted exactly once, by the same simulator');
  assert.deepStrictEqual(final.duplicateReplyRefs, [], 'no job was submitted twice');

  // Leave the page as it was: no filter, no prompts editor.
  await filterJobs(wb, '');
  await otherPanes(page, true);
  await wb.runCommand('View: Close All Editors');
}
