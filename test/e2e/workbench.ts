// Playwright helpers for the VS Code workbench served by code-server (selectors from HARNESS.md,
// verified on VS Code 1.100.3).
import type { FrameLocator, Page } from 'playwright-core';

export interface Workbench {
  page: Page;
  /** Runs a command from the command palette by its full title, e.g. "Midjourney: Imagine…". */
  runCommand(title: string): Promise<void>;
  /** Types into the open quick input and accepts it. */
  answerQuickInput(text: string): Promise<void>;
  /** Opens the Midjourney container in the activity bar. */
  openMidjourneyViews(): Promise<void>;
  /** Saves artifacts/e2e/<name>.png. */
  screenshot(name: string): Promise<string>;
  /** The content frame of a webview (the last one opened, or the one whose iframe title contains `title`). */
  webview(title?: string): FrameLocator;
  /** Waits until a notification toast contains `text`; returns its text. */
  notification(text: string | RegExp, timeoutMs?: number): Promise<string>;
}

export function workbench(page: Page, screenshotDir: string): Workbench {
  const wb: Workbench = {
    page,
    async runCommand(title) {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input.input');
      await input.waitFor({ state: 'visible' });
      await input.fill(`>${title}`);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
      await row.waitFor({ state: 'visible', timeout: 15_000 });
      await input.press('Enter');
    },
    async answerQuickInput(text) {
      const input = page.locator('.quick-input-widget input.input');
      await input.waitFor({ state: 'visible' });
      await input.fill(text);
      await input.press('Enter');
    },
    async openMidjourneyViews() {
      const icon = page.locator('.activitybar .action-label[aria-label^="Midjourney"]');
      await icon.waitFor({ state: 'visible', timeout: 60_000 });
      const container = page.locator('.sidebar .composite.title', { hasText: 'MIDJOURNEY' });
      // The icon toggles the sidebar, and a workbench still restoring (after a reload) can flip it under
      // us: click until the container is really shown, a few times at most.
      for (let attempt = 0; attempt < 4 && !(await container.isVisible()); attempt++) {
        await icon.click();
        await container.waitFor({ state: 'visible', timeout: 5_000 }).catch(() => undefined);
      }
      await container.waitFor({ state: 'visible' });
    },
    async screenshot(name) {
      const path = `${screenshotDir}/${name}.png`;
      await page.screenshot({ path });
      return path;
    },
    webview(title) {
      // Each webview is an iframe.webview holding the content in #active-frame; pick by title when given.
      const host = title ? page.locator(`iframe.webview[title*="${title}"]`) : page.locator('iframe.webview').last();
      return host.contentFrame().frameLocator('#active-frame');
    },
    async notification(text, timeoutMs = 60_000) {
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
      await toast.waitFor({ state: 'visible', timeout: timeoutMs });
      return (await toast.innerText()).trim();
    },
  };
  return wb;
}
