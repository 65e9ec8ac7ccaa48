// The command table: every command this module owns, one handler module each, registered in one place.
// Commands owned elsewhere (prompts language, gallery, AI assist) are registered by their modules.
import * as vscode from 'vscode';
import { asApiError } from '../../core/api/errors';
import { redactValue } from '../../core/redact';
import { NeedsTokenError } from '../demo';
import { handleAlert } from '../notify';
import { accountInfo, setSpeed, showSettings, toggleRemix, toggleVariability } from './modes';
import { animate } from './animate';
import { UserCancelled } from './args';
import { blend } from './blend';
import { configureAccount, deleteAccount, refreshAccounts, resetChannel } from './accounts';
import { describe } from './describe';
import { imagine } from './imagine';
import { cancelJob, copyJobId, copyPrompt, openJobFiles, retryJob, revealSource, saveJobToWorkspace } from './jobActions';
import { pressButton } from './pressButton';
import { cancelQueue, clearHistory, filterJobs, groupJobs, openApiDocs, pauseQueue, resumeQueue, showLog } from './queue';
import { extractSeed } from './seed';
import type { CommandHandler, HostServices } from './services';
import { setApiToken, setDiscordToken, signOut } from './tokens';

export const COMMANDS: Readonly<Record<string, CommandHandler>> = {
  'midjourney.setApiToken': setApiToken,
  'midjourney.setDiscordToken': setDiscordToken,
  'midjourney.signOut': signOut,
  'midjourney.imagine': imagine,
  'midjourney.animate': animate,
  'midjourney.blend': blend,
  'midjourney.describe': describe,
  'midjourney.extractSeed': extractSeed,
  'midjourney.pressButton': pressButton,
  'midjourney.configureAccount': configureAccount,
  'midjourney.refreshAccounts': refreshAccounts,
  'midjourney.deleteAccount': deleteAccount,
  'midjourney.resetChannel': resetChannel,
  'midjourney.accountInfo': accountInfo,
  'midjourney.showSettings': showSettings,
  'midjourney.setSpeed': setSpeed,
  'midjourney.toggleRemix': toggleRemix,
  'midjourney.toggleVariability': toggleVariability,
  'midjourney.cancelJob': cancelJob,
  'midjourney.retryJob': retryJob,
  'midjourney.cancelQueue': cancelQueue,
  'midjourney.pauseQueue': pauseQueue,
  'midjourney.resumeQueue': resumeQueue,
  'midjourney.revealSource': revealSource,
  'midjourney.copyPrompt': copyPrompt,
  'midjourney.copyJobId': copyJobId,
  'midjourney.openJobFiles': openJobFiles,
  'midjourney.saveJobToWorkspace': saveJobToWorkspace,
  'midjourney.clearHistory': clearHistory,
  'midjourney.filterJobs': filterJobs,
  'midjourney.groupJobs': groupJobs,
  'midjourney.showLog': showLog,
  'midjourney.openApiDocs': openApiDocs,
};

export function registerCommands(services: HostServices): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(services, ...args);
      } catch (error) {
        // Not awaited: the notification waits for the user, the command must not.
        reportCommandError(services, id, error).catch((e: unknown) => services.log.warn('Could not report an error', e));
        return undefined;
      }
    }),
  );
}

/**
 * A failed command ends here: errors the user must act on get their action (token, renewal, reset);
 * others a short message. The command then resolves to undefined — VS Code's own error dialog for a
 * rejected palette command would repeat the message.
 */
export async function reportCommandError(services: HostServices, id: string, error: unknown): Promise<void> {
  if (error instanceof UserCancelled) return;
  services.log.error(`${id} failed: ${redactValue(error)}`);
  // Recorded synchronously (before the first await) so the message is in the history when the command returns.
  const apiError = asApiError(error);
  if (apiError?.kind === 'unauthorized') return handleAlert(services.notifier, { kind: 'unauthorized', message: apiError.serverMessage ?? '' });
  if (apiError?.kind === 'paymentRequired') return handleAlert(services.notifier, { kind: 'paymentRequired', message: apiError.serverMessage ?? '' });
  if (apiError?.kind === 'channelLocked' && apiError.channel) {
    return handleAlert(services.notifier, { kind: 'channelLocked', channel: apiError.channel, message: apiError.serverMessage ?? 'pending moderation message or CAPTCHA' });
  }
  if (error instanceof NeedsTokenError) {
    const pick = await services.notifier.show('warning', 'Demo mode is off and no useapi.net API token is set.', 'Set API Token', 'Use Demo Mode');
    if (pick === 'Set API Token') await vscode.commands.executeCommand('midjourney.setApiToken');
    if (pick === 'Use Demo Mode') await vscode.workspace.getConfiguration('midjourney').update('demoMode', 'auto', vscode.ConfigurationTarget.Global);
    return;
  }
  const message = apiError ? (apiError.serverMessage ?? apiError.message) : error instanceof Error ? error.message : String(error);
  const pick = await services.notifier.show('error', redactValue(message), 'Show Log');
  if (pick) services.log.show();
}
