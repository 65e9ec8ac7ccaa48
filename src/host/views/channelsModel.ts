// What the Channels view shows for each channel: load against limits, speed/remix/variability as last
// reported by the server, and the 596 lock. Pure (no vscode).
import type { ChannelState } from '../../core/jobs/api';

/** Modes the server reported for a channel (from the last settings-type job's `response.settings`). */
export interface ChannelModes {
  speed?: 'fast' | 'relax' | 'turbo';
  remix?: boolean;
  variability?: boolean;
  version?: string;
  updatedAt: number;
}

export function channelContextValue(channel: ChannelState): 'channel' | 'channel:locked' {
  return channel.lockedReason ? 'channel:locked' : 'channel';
}

export function channelDescription(channel: ChannelState, modes?: ChannelModes): string {
  if (channel.lockedReason) return `locked: ${channel.lockedReason}`;
  const parts = [`${channel.running.total}/${channel.maxJobs} running`];
  if (modes?.speed) parts.push(modes.speed);
  if (modes?.remix) parts.push('remix');
  return parts.join(' · ');
}

export interface ChannelDetail {
  id: string;
  label: string;
  description?: string;
  /** True for the "locked — reset" row, which runs the reset command when clicked. */
  resetAction?: boolean;
}

export function channelDetails(channel: ChannelState, modes?: ChannelModes): ChannelDetail[] {
  const id = (k: string): string => `channel:${channel.channel}:${k}`;
  const rows: ChannelDetail[] = [];
  if (channel.lockedReason) {
    rows.push({ id: id('locked'), label: 'Locked by Midjourney', description: `${channel.lockedReason} — click to reset after clearing it in Discord`, resetAction: true });
  }
  rows.push(
    { id: id('jobs'), label: 'Jobs', description: `${channel.running.total} of ${channel.maxJobs} running` },
    { id: id('images'), label: 'Image jobs', description: `${channel.running.images} of ${channel.maxImageJobs}` },
    { id: id('videos'), label: 'Video jobs', description: `${channel.running.videos} of ${channel.maxVideoJobs}` },
  );
  if (channel.discord) rows.push({ id: id('discord'), label: 'Discord token', description: channel.discord });
  if (modes) {
    if (modes.speed) rows.push({ id: id('speed'), label: 'Speed', description: modes.speed });
    if (modes.remix !== undefined) rows.push({ id: id('remix'), label: 'Remix', description: modes.remix ? 'on' : 'off' });
    if (modes.variability !== undefined) rows.push({ id: id('variability'), label: 'Variability', description: modes.variability ? 'high' : 'low' });
    if (modes.version) rows.push({ id: id('version'), label: 'Model version', description: modes.version });
  }
  return rows;
}

/** Reads the modes out of a settings-type job's `response.settings` (CONTRACT §15 #6 key names). */
export function modesFromSettings(settings: Record<string, unknown>, now: number): ChannelModes {
  const flag = (k: string): boolean | undefined => (typeof settings[k] === 'boolean' ? settings[k] : undefined);
  const speed = flag('turbo') ? 'turbo' : flag('relax') ? 'relax' : flag('fast') ? 'fast' : undefined;
  const version = settings.version;
  return {
    speed,
    remix: flag('remix'),
    variability: flag('variability'),
    version: typeof version === 'string' || typeof version === 'number' ? String(version) : undefined,
    updatedAt: now,
  };
}
