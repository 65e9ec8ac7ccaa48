// The gallery end to end in code-server (demo mode, the built-in simulator): generate, open the
// gallery, the images appear; a prompt with markup shows as text and runs nothing; the lightbox
// presses U2 and the child appears linked to its parent; screenshots of the grid, the lightbox and a
// light theme (artifacts/e2e/gallery-*.png).
import * as assert from 'node:assert';
import type { FrameLocator, Page } from 'playwright-core';
import type { Workbench } from './workbench';

const EVIL = '<img src=x onerror=alert(1)>';
const EVIL_PROMPT = `${EVIL} a lighthouse on a basalt cliff at dusk`;
const CALM_PROMPT = 'a glass greenhouse on the moon, soft morning light';

/** The content frame of the webview whose body says it is the gallery panel (not the sidebar view). */
async function galleryFrame(page: Page, timeoutMs = 60_000): Promise<FrameLocator> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const hosts = page.locator('iframe.webview');
    const count = await hosts.count();
    for (let i = count - 1; i >= 0; i--) {
      const frame = hosts.nth(i).contentFrame().frameLocator('#active-frame');
      if (await frame.locator('body[data-view="gallery"]').count().catch(() => 0)) return frame;
    }
    await page.waitForTimeout(250);
  }
  throw new Error('The gallery webview did not appear.');
}

async function imagine(page: Page, wb: Workbench, prompt: string): Promise<void> {
  await wb.runCommand('Midjourney: Imagine…');
  await wb.answerQuickInput(prompt);
  // The parameter loop opens with "Submit" first and active.
  const submit = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Submit' }).first();
  await submit.waitFor({ state: 'visible' });
  await page.locator('.quick-input-widget input.input').press('Enter');
  await submit.waitFor({ state: 'hidden' });
}

/** Picks a built-in colour theme (clicking rows: Enter would take the first fuzzy match, e.g. the marketplace). */
async function setColorTheme(page: Page, theme: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible' });
  await input.fill('>Preferences: Color Theme');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Preferences: Color Theme' }).first().click();
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Dark Modern' }).first().waitFor({ state: 'visible' });
  await input.fill(theme);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: theme }).first().click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

export async function galleryScenario(page: Page, wb: Workbench): Promise<void> {
  const dialogs: string[] = [];
  const onDialog = (dialog: { message(): string; dismiss(): Promise<void> }) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  };
  page.on('dialog', onDialog);
  try {
    // Waits until the extension is scanned (its commands are in the palette) and shows the sidebar.
    await wb.openMidjourneyViews();
    await imagine(page, wb, EVIL_PROMPT);
    await imagine(page, wb, CALM_PROMPT);
    // Unrelated toasts (e.g. git's "open the parent repository?") would cover the screenshots.
    await wb.runCommand('Notifications: Clear All Notifications');
    await wb.runCommand('Midjourney: Open Gallery');
    const gallery = await galleryFrame(page);

    // The two jobs appear (running first, then with their four images each).
    const evilRow = gallery.locator('.job-row', { has: gallery.locator('.prompt', { hasText: 'basalt cliff' }) });
    const calmRow = gallery.locator('.job-row', { has: gallery.locator('.prompt', { hasText: 'greenhouse' }) });
    await evilRow.waitFor({ state: 'visible', timeout: 60_000 });
    await evilRow.locator('img.media').nth(3).waitFor({ state: 'visible', timeout: 120_000 });
    await calmRow.locator('img.media').nth(3).waitFor({ state: 'visible', timeout: 120_000 });
    // Images really loaded through asWebviewUri (not broken links).
    // Images really load through asWebviewUri (a broken link rejects decode()). An unnamed arrow, so
    // no transpiler name helper leaks into the page.
    const decoded = await evilRow.locator('img.media').first().evaluate(async (node) => {
      const img = node as unknown as { decode(): Promise<void>; naturalWidth: number };
      await img.decode();
      return img.naturalWidth;
    });
    assert.ok(decoded > 0, 'the first tile decoded');

    // Markup in the prompt is text: shown literally, no element made from it, no script ran.
    const promptText = await evilRow.locator('.prompt').textContent();
    assert.ok(promptText?.includes(EVIL), `prompt shown as text, got ${promptText}`);
    assert.strictEqual(await gallery.locator('img[src="x"]').count(), 0);
    assert.strictEqual(await gallery.locator('[onerror]').count(), 0);
    await wb.screenshot('gallery-grid');

    // Lightbox on the first image of the first job; press U2.
    await evilRow.locator('.tile-open').first().click();
    const lightbox = gallery.locator('.lightbox:not([hidden])');
    await lightbox.waitFor({ state: 'visible' });
    assert.ok((await lightbox.locator('.lb-prompt').textContent())?.includes(EVIL));
    await lightbox.locator('.job-button[data-label="U2"]').waitFor({ state: 'visible' });
    await page.waitForTimeout(400); // the dialog fades in
    await wb.screenshot('gallery-lightbox');
    await page.keyboard.press('ArrowRight');
    await lightbox.locator('.lb-thumb[aria-current="true"]').nth(0).waitFor();
    assert.strictEqual(await lightbox.locator('.lb-thumb').nth(1).getAttribute('aria-current'), 'true', '→ moved to image 2');
    await lightbox.locator('.job-button[data-label="U2"]').click();
    await gallery.locator('.toast', { hasText: 'submitted' }).waitFor({ state: 'visible', timeout: 30_000 });

    // The child appears in the lineage of the open job; open it: it names its parent.
    const childCard = lightbox.locator('.lineage-card', { hasText: 'U2' });
    await childCard.waitFor({ state: 'visible', timeout: 120_000 });
    await childCard.click();
    await lightbox.locator('.lb-section.lineage h3', { hasText: 'Made from' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await lightbox.locator('.lineage-card').first().waitFor({ state: 'visible' });
    // When the upscale is done it shows its single image and the single-image buttons.
    await lightbox.locator('.job-button[data-label="Vary (Region)"]').waitFor({ state: 'visible', timeout: 120_000 });
    await page.waitForTimeout(300);
    await wb.screenshot('gallery-lightbox-child');
    await page.keyboard.press('Escape');
    await gallery.locator('.lightbox[hidden]').waitFor({ state: 'attached' });
    // The child is also a row of the grid, marked with the button that made it.
    await gallery.locator('.job-row .lineage-fact', { hasText: 'from U2' }).first().waitFor({ state: 'visible', timeout: 30_000 });

    // Light theme: the webview follows the --vscode-* variables.
    await setColorTheme(page, 'Light Modern');
    await page.waitForTimeout(800);
    await wb.screenshot('gallery-light');
    await setColorTheme(page, 'Dark High Contrast');
    await page.waitForTimeout(800);
    await wb.screenshot('gallery-high-contrast');
    await setColorTheme(page, 'Dark Modern');
    assert.deepStrictEqual(dialogs, [], 'no alert() ran');
  } finally {
    page.off('dialog', onDialog);
  }
}
