// Set API Token / Set Discord Token / Sign Out. Tokens go to SecretStorage only, after a format check.
import * as vscode from 'vscode';
import { checkApiToken, checkDiscordToken } from '../tokenFormat';
import { optionsArg } from './args';
import type { HostServices } from './services';

async function askToken(title: string, prompt: string, check: (v: string) => string | undefined): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt,
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? check(value) : undefined),
  });
}

/** `midjourney.setApiToken(token?)` — returns true when a token was saved. */
export async function setApiToken(services: HostServices, tokenArg?: unknown): Promise<boolean> {
  let token = typeof tokenArg === 'string' ? tokenArg : undefined;
  if (token === undefined) {
    token = await askToken('Midjourney: Set useapi.net API Token', 'Paste your useapi.net API token (user:…). It is kept in VS Code secret storage only.', checkApiToken);
    if (!token?.trim()) return false;
  }
  const problem = checkApiToken(token);
  if (problem) throw new Error(problem);
  await services.tokens.set('useapi', token);
  services.log.info('API token saved to secret storage.');
  vscode.window.setStatusBarMessage('$(key) useapi.net API token saved', 4000);
  return true;
}

/** `midjourney.setDiscordToken(token?)` — the Discord token used when configuring a channel. */
export async function setDiscordToken(services: HostServices, tokenArg?: unknown): Promise<boolean> {
  let token = typeof tokenArg === 'string' ? tokenArg : undefined;
  if (token === undefined) {
    token = await askToken(
      'Midjourney: Set Discord Token',
      'Paste the Discord user token of the account with the Midjourney subscription. Anyone with it controls that Discord account; it is kept in secret storage only.',
      checkDiscordToken,
    );
    if (!token?.trim()) return false;
  }
  const problem = checkDiscordToken(token);
  if (problem) throw new Error(problem);
  await services.tokens.set('discord', token);
  services.log.info('Discord token saved to secret storage.');
  vscode.window.setStatusBarMessage('$(key) Discord token saved', 4000);
  return true;
}

/** `midjourney.signOut({ confirmed? })` — forgets both tokens (demo mode takes over when allowed). */
export async function signOut(services: HostServices, options?: unknown): Promise<boolean> {
  const { confirmed } = optionsArg<{ confirmed: boolean }>(options);
  if (!confirmed) {
    const pick = await vscode.window.showWarningMessage(
      'Sign out of useapi.net?',
      { modal: true, detail: 'The API token and the Discord token are removed from secret storage. Running jobs keep running on the service.' },
      'Sign Out',
    );
    if (pick !== 'Sign Out') return false;
  }
  await services.tokens.delete('useapi');
  await services.tokens.delete('discord');
  services.log.info('Signed out: tokens removed from secret storage.');
  return true;
}
