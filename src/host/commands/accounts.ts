// Channels (useapi "accounts"): configure with a Discord token and limits, refresh, delete, and reset
// after Midjourney locked the channel with a moderation message or CAPTCHA (HTTP 596).
import * as vscode from 'vscode';
import type { AccountInput, ChannelState } from '../../core/jobs/api';
import { RESET_INSTRUCTIONS } from '../notify';
import { checkAccountLimits, checkDiscordToken } from '../tokenFormat';
import { channelFromArg, optionsArg, resolveChannel, UserCancelled } from './args';
import type { HostServices } from './services';

async function askLimit(title: string, max: number, fallback: number, ceiling?: number): Promise<number | undefined> {
  const top = Math.min(max, ceiling ?? max);
  const value = await vscode.window.showInputBox({
    title,
    value: String(Math.min(fallback, top)),
    prompt: `A whole number from 1 to ${top}.`,
    ignoreFocusOut: true,
    validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= top ? undefined : `A whole number from 1 to ${top}.`),
  });
  return value === undefined ? undefined : Number(value);
}

/** `midjourney.configureAccount({ discord?, maxJobs?, maxImageJobs?, maxVideoJobs?, replyUrl? })`. */
export async function configureAccount(services: HostServices, optionsValue?: unknown): Promise<ChannelState | undefined> {
  const options = optionsArg<AccountInput>(optionsValue);
  const scripted = options.discord !== undefined;
  let discord = options.discord ?? (await services.tokens.get('discord'));
  if (!discord) {
    discord = await vscode.window.showInputBox({
      title: 'Configure Channel (1/4): Discord token',
      prompt: 'The Discord user token of the account with the Midjourney subscription (kept in secret storage).',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? checkDiscordToken(v) : undefined),
    });
    if (!discord?.trim()) return undefined;
  }
  const problem = checkDiscordToken(discord);
  if (problem) throw new Error(problem);
  await services.tokens.set('discord', discord);

  let { maxJobs, maxImageJobs, maxVideoJobs } = options;
  if (!scripted) {
    maxJobs = await askLimit('Configure Channel (2/4): jobs at once (your Midjourney plan: 3 on Basic/Standard, up to 15 on Pro/Mega)', 15, 3);
    if (maxJobs === undefined) return undefined;
    maxImageJobs = await askLimit('Configure Channel (3/4): image jobs at once', 12, 3, maxJobs);
    if (maxImageJobs === undefined) return undefined;
    maxVideoJobs = await askLimit('Configure Channel (4/4): video jobs at once', 12, 3, maxJobs);
    if (maxVideoJobs === undefined) return undefined;
  }
  const input: AccountInput = { discord: discord.trim(), maxJobs: maxJobs ?? 3, maxImageJobs: maxImageJobs ?? 3, maxVideoJobs: maxVideoJobs ?? 3, replyUrl: options.replyUrl };
  const limitProblem = checkAccountLimits(input);
  if (limitProblem) throw new Error(limitProblem);
  const channel = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Configuring the channel…', cancellable: true },
    (_p, token) => withAbort(token, (signal) => services.engine.configureAccount(input, signal)),
  );
  services.log.info(`Channel ${channel.channel} configured (${channel.maxJobs}/${channel.maxImageJobs}/${channel.maxVideoJobs}).`);
  await services.engine.refreshChannels().catch((e: unknown) => services.log.warn('Refreshing channels failed', e));
  return channel;
}

/** `midjourney.refreshAccounts()` — re-reads channels and their running jobs. */
export async function refreshAccounts(services: HostServices): Promise<readonly ChannelState[]> {
  return vscode.window.withProgress({ location: { viewId: 'midjourney.channels' } }, () => services.engine.refreshChannels());
}

/** `midjourney.deleteAccount(channel, { confirmed? })`. */
export async function deleteAccount(services: HostServices, arg?: unknown, optionsValue?: unknown): Promise<boolean> {
  const channel = channelFromArg(arg) ?? (await resolveChannel(services, undefined, 'Delete which channel?'));
  if (!channel) throw new Error('There is no channel to delete.');
  if (!optionsArg<{ confirmed: boolean }>(optionsValue).confirmed) {
    const pick = await vscode.window.showWarningMessage(
      `Delete channel ${channel}?`,
      { modal: true, detail: 'useapi.net forgets this channel and its Discord token. Jobs already running on it keep running. You can configure it again later.' },
      'Delete Channel',
    );
    if (pick !== 'Delete Channel') return false;
  }
  await services.engine.deleteAccount(channel);
  services.log.info(`Channel ${channel} deleted.`);
  await services.engine.refreshChannels().catch((e: unknown) => services.log.warn('Refreshing channels failed', e));
  return true;
}

/** `midjourney.resetChannel(channel, { confirmed? })` — after the user cleared the lock in Discord. */
export async function resetChannel(services: HostServices, arg?: unknown, optionsValue?: unknown): Promise<boolean> {
  let channel = channelFromArg(arg);
  if (!channel) {
    const locked = services.engine.channels().filter((c) => c.lockedReason);
    channel = locked.length === 1 ? locked[0].channel : await resolveChannel(services, undefined, 'Reset which channel?');
  }
  if (!channel) throw new Error('There is no channel to reset.');
  if (!optionsArg<{ confirmed: boolean }>(optionsValue).confirmed) {
    const reason = services.engine.channels().find((c) => c.channel === channel)?.lockedReason;
    const pick = await vscode.window.showWarningMessage(
      `Reset channel ${channel}${reason ? ` (${reason})` : ''}?`,
      { modal: true, detail: `${RESET_INSTRUCTIONS}\n\nResetting without clearing the message in Discord only locks the channel again.` },
      'I cleared it — Reset',
    );
    if (!pick) return false;
  }
  const ch = channel;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Resetting channel ${ch}…`, cancellable: true }, (_p, token) =>
    withAbort(token, (signal) => services.engine.resetChannel(ch, signal)),
  );
  services.log.info(`Channel ${ch} reset.`);
  await services.engine.refreshChannels().catch((e: unknown) => services.log.warn('Refreshing channels failed', e));
  return true;
}

/** Runs core work with an AbortSignal tied to a VS Code CancellationToken (DESIGN rule 3). */
export async function withAbort<T>(token: vscode.CancellationToken, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const sub = token.onCancellationRequested(() => controller.abort());
  try {
    return await work(controller.signal);
  } catch (error) {
    if (controller.signal.aborted) throw new UserCancelled();
    throw error;
  } finally {
    sub.dispose();
  }
}
