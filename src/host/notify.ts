// Notifications, only for what the user must act on (401, 402, 596, a batch with failures). Every
// message is remembered (redacted) so integration tests can check that the user was asked, and an
// identical message is not stacked again while the first one is still open.
import * as vscode from 'vscode';
import type { EngineAlert } from '../core/jobs/api';
import type { Logger } from '../core/ports';

export interface ShownNotification {
  severity: 'error' | 'warning' | 'info';
  message: string;
  actions: string[];
  at: number;
}

export class Notifier {
  private readonly shown: ShownNotification[] = [];
  private readonly open = new Set<string>();

  constructor(private readonly log: Logger) {}

  /** Everything shown so far (oldest first). */
  get history(): readonly ShownNotification[] {
    return this.shown;
  }

  /** Shows a message; resolves with the action picked (undefined when dismissed or a duplicate). */
  async show(severity: ShownNotification['severity'], message: string, ...actions: string[]): Promise<string | undefined> {
    const key = `${severity}:${message}`;
    if (this.open.has(key)) return undefined;
    this.open.add(key);
    this.shown.push({ severity, message, actions, at: Date.now() });
    if (this.shown.length > 50) this.shown.shift();
    this.log.info(`Notified (${severity}): ${message}`);
    try {
      const show = severity === 'error' ? vscode.window.showErrorMessage : severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      return await show(message, ...actions);
    } finally {
      this.open.delete(key);
    }
  }
}

const DISCORD_STEPS = 'Open your Discord DM with the Midjourney Bot and acknowledge the moderation message or solve the CAPTCHA (if nothing shows, run one /imagine there by hand to make it appear). Then reset the channel.';

/** Turns an engine alert into the notification the user must act on, and runs the chosen action. */
export async function handleAlert(notifier: Notifier, alert: EngineAlert): Promise<void> {
  switch (alert.kind) {
    case 'unauthorized': {
      const pick = await notifier.show('error', `useapi.net did not accept the API token (401). ${alert.message ? `${alert.message}. ` : ''}Set a valid token to continue.`, 'Set API Token');
      if (pick) await vscode.commands.executeCommand('midjourney.setApiToken');
      return;
    }
    case 'paymentRequired': {
      const pick = await notifier.show('error', `useapi.net: ${alert.message || 'the account has no active subscription'} (402). Renew the subscription to continue.`, 'Open useapi.net');
      if (pick) await vscode.env.openExternal(vscode.Uri.parse('https://useapi.net/'));
      return;
    }
    case 'channelLocked': {
      const pick = await notifier.show('warning', `Channel ${alert.channel} is locked by Midjourney (596): ${alert.message}. ${DISCORD_STEPS}`, 'Reset Channel');
      if (pick) await vscode.commands.executeCommand('midjourney.resetChannel', { channel: alert.channel });
      return;
    }
    case 'channelResumed':
      return; // the Channels view shows it; nothing to do
    case 'batchFinished': {
      if (alert.failed === 0) return;
      const pick = await notifier.show('warning', `Batch finished: ${alert.completed} of ${alert.total} completed, ${alert.failed} failed.`, 'Show Jobs');
      if (pick) await vscode.commands.executeCommand('midjourney.jobs.focus');
      return;
    }
  }
}

export const RESET_INSTRUCTIONS = DISCORD_STEPS;
