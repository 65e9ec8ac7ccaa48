// The foundation scenario: the extension is installed in code-server, its view container is there,
// and a midjourney.* command runs from the command palette.
import * as assert from 'node:assert';
import type { Page } from 'playwright-core';
import type { Workbench } from './workbench';

export async function workbenchScenario(page: Page, wb: Workbench): Promise<void> {
  await wb.openMidjourneyViews();
  await page.locator('.pane-header', { hasText: 'Jobs' }).first().waitFor({ state: 'visible' });
  await wb.screenshot('workbench-jobs-view');
  await wb.runCommand('Midjourney: Show Log');
  const output = page.locator('.panel .monaco-select-box, .panel [aria-label*="Output"]').first();
  await output.waitFor({ state: 'visible' });
  assert.ok(await page.locator('.activitybar .action-label[aria-label^="Midjourney"]').isVisible());
  await wb.screenshot('workbench-command-palette-log');
}
