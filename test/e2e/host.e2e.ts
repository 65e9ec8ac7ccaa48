// The host surfaces end to end in code-server with no token (demo mode): Imagine from the command
// palette through the parameter builder, the Jobs tree shows the job running and then completed,
// and screenshots of the tree, the status bar and the walkthrough (artifacts/e2e/host-*.png).
import * as assert from 'node:assert';
import type { Page } from 'playwright-core';
import type { Workbench } from './workbench';

const PROMPT = 'a paper boat on a rain puddle, macro photograph';

export async function hostScenario(page: Page, wb: Workbench): Promise<void> {
  await wb.openMidjourneyViews();
  const jobsPane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Jobs' }) }).first();
  await jobsPane.locator('text=Demo mode').first().waitFor({ state: 'visible' });

  await wb.runCommand('Midjourney: Imagine…');
  await wb.answerQuickInput(PROMPT);
  const submit = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Submit' }).first();
  await submit.waitFor({ state: 'visible' });
  assert.ok(await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Aspect ratio' }).isVisible(), 'the parameter builder is offered');
  await wb.screenshot('host-parameter-builder');
  await page.locator('.quick-input-widget input.input').press('Enter');
  await submit.waitFor({ state: 'hidden' });

  const row = jobsPane.locator('.monaco-list-row', { hasText: PROMPT.slice(0, 20) }).first();
  await row.waitFor({ state: 'visible' });
  await jobsPane.locator('.monaco-list-row', { hasText: '4 images' }).first().waitFor({ state: 'visible', timeout: 120_000 });
  const status = page.locator('.statusbar-item', { hasText: 'MJ' }).first();
  assert.match((await status.textContent()) ?? '', /demo/);
  await wb.screenshot('host-jobs-tree-and-status-bar');

  await wb.runCommand('Welcome: Open Walkthrough...');
  await page.locator('.quick-input-widget input.input').fill('Midjourney');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Midjourney Studio' }).first().waitFor({ state: 'visible' });
  await page.locator('.quick-input-widget input.input').press('Enter');
  await page.locator('.gettingStartedContainer', { hasText: 'Try it in demo mode' }).first().waitFor({ state: 'visible' });
  await wb.screenshot('host-walkthrough');
  await page.keyboard.press('Escape');
}
