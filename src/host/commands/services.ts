// What every command handler gets: the objects built by the composition root (no globals).
import type { Notifier } from '../notify';
import type { StudioLog } from '../log';
import type { StudioSettings } from '../config';
import type { TokenStore } from '../secrets';
import type { EngineHost } from '../engineHost';
import type { JobsTreeProvider } from '../views/jobsTree';
import type { ChannelModesStore, ChannelsTreeProvider } from '../views/channelsTree';

export interface HostServices {
  engine: EngineHost;
  tokens: TokenStore;
  settings: StudioSettings;
  log: StudioLog;
  notifier: Notifier;
  jobsTree: JobsTreeProvider;
  channelsTree: ChannelsTreeProvider;
  channelModes: ChannelModesStore;
}

/** A command handler: services first, then whatever VS Code (or a test) passes. */
export type CommandHandler = (services: HostServices, ...args: unknown[]) => unknown;
