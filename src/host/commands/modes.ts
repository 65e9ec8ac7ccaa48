// Account and mode commands: show info and settings, set fast/relax/turbo, toggle Remix and
// Variability. Each runs a settings-type job on one channel and reports what the server answered.
import * as vscode from 'vscode';
import type { JobRecord } from '../../core/jobs/model';
import { modesFromSettings } from '../views/channelsModel';
import { optionsArg, requireCompleted, resolveChannel, waitWithProgress } from './args';
import type { HostServices } from './services';

type SettingsVerb = 'settings' | 'info' | 'fast' | 'relax' | 'turbo' | 'remix' | 'variability';

const TITLES: Record<SettingsVerb, string> = {
  settings: 'Reading Midjourney settings…',
  info: 'Reading account info…',
  fast: 'Switching to fast mode…',
  relax: 'Switching to relax mode…',
  turbo: 'Switching to turbo mode…',
  remix: 'Toggling Remix…',
  variability: 'Toggling high variability…',
};

async function runSettingsJob(services: HostServices, verb: SettingsVerb, channelArg: unknown): Promise<JobRecord> {
  const channel = await resolveChannel(services, channelArg, TITLES[verb]);
  const submitted = await services.engine.submit({ verb, channel }, { priority: 'user', channel });
  const job = requireCompleted(await waitWithProgress(services, submitted, TITLES[verb]), `The ${verb} command`);
  const reported = job.channel ?? channel;
  if (job.settings && reported) services.channelModes.set(reported, modesFromSettings(job.settings, Date.now()));
  return job;
}

/** A read-only Markdown document with the server's answer (F-76, F-79). */
async function showSettingsDocument(title: string, job: JobRecord): Promise<void> {
  const lines = [`# ${title}`, '', `Channel: \`${job.channel ?? 'default'}\``, ''];
  const settings = job.settings ?? {};
  if (Object.keys(settings).length) {
    lines.push('| Setting | Value |', '|---|---|');
    for (const [key, value] of Object.entries(settings)) {
      const text = (typeof value === 'string' ? value : JSON.stringify(value)).replace(/\|/g, '\\|').replace(/\n/g, ' ');
      lines.push(`| ${key} | ${text} |`);
    }
  } else {
    lines.push('_The service returned no settings._');
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: lines.join('\n') + '\n' });
  await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
}

const quiet = (options: unknown): boolean => optionsArg<{ show: boolean }>(options).show === false;

export async function accountInfo(services: HostServices, channelArg?: unknown, options?: unknown): Promise<JobRecord> {
  const job = await runSettingsJob(services, 'info', channelArg);
  if (!quiet(options)) await showSettingsDocument('Midjourney account info', job);
  return job;
}

export async function showSettings(services: HostServices, channelArg?: unknown, options?: unknown): Promise<JobRecord> {
  const job = await runSettingsJob(services, 'settings', channelArg);
  if (!quiet(options)) await showSettingsDocument('Midjourney settings', job);
  return job;
}

/** `midjourney.setSpeed(channel?, 'fast' | 'relax' | 'turbo')`. */
export async function setSpeed(services: HostServices, channelArg?: unknown, speedArg?: unknown): Promise<JobRecord | undefined> {
  let speed: 'fast' | 'relax' | 'turbo' | undefined = speedArg === 'fast' || speedArg === 'relax' || speedArg === 'turbo' ? speedArg : undefined;
  if (!speed) {
    const picked = await vscode.window.showQuickPick([
      { label: 'Fast', description: 'uses fast GPU time', speed: 'fast' as const },
      { label: 'Relax', description: 'free on Standard and above, slower', speed: 'relax' as const },
      { label: 'Turbo', description: 'about twice as fast, costs double', speed: 'turbo' as const },
    ], { title: 'Midjourney speed' });
    if (!picked) return undefined;
    speed = picked.speed;
  }
  const job = await runSettingsJob(services, speed, channelArg);
  const modes = job.channel ? services.channelModes.get(job.channel) : undefined;
  vscode.window.setStatusBarMessage(`$(dashboard) Midjourney speed: ${modes?.speed ?? speed}`, 5000);
  return job;
}

export async function toggleRemix(services: HostServices, channelArg?: unknown): Promise<JobRecord> {
  const job = await runSettingsJob(services, 'remix', channelArg);
  const remix = job.settings?.remix;
  vscode.window.setStatusBarMessage(`$(edit) Remix is ${remix === true ? 'on' : remix === false ? 'off' : 'toggled'}`, 5000);
  return job;
}

export async function toggleVariability(services: HostServices, channelArg?: unknown): Promise<JobRecord> {
  const job = await runSettingsJob(services, 'variability', channelArg);
  const value = job.settings?.variability;
  vscode.window.setStatusBarMessage(`$(symbol-misc) Variability is ${value === true ? 'high' : value === false ? 'low' : 'toggled'}`, 5000);
  return job;
}
