// The Channels view (`midjourney.channels`): each useapi channel with its load and limits, the modes
// the server last reported, and the 596 lock with its reset action.
import * as vscode from 'vscode';
import type { ChannelState, JobEngineApi } from '../../core/jobs/api';
import { Emitter } from '../emitter';
import { channelContextValue, channelDescription, channelDetails, type ChannelDetail, type ChannelModes } from './channelsModel';

export type ChannelsTreeNode = { kind: 'channel'; channel: ChannelState } | { kind: 'detail'; channel: ChannelState; detail: ChannelDetail };

/** Modes per channel as the server last answered them; commands write, the view reads. */
export class ChannelModesStore {
  private readonly modes = new Map<string, ChannelModes>();
  private readonly changed = new Emitter<string>();
  readonly onDidChange = this.changed.event;

  get(channel: string): ChannelModes | undefined {
    return this.modes.get(channel);
  }

  set(channel: string, modes: ChannelModes): void {
    const previous = this.modes.get(channel);
    this.modes.set(channel, { ...previous, ...Object.fromEntries(Object.entries(modes).filter(([, v]) => v !== undefined)), updatedAt: modes.updatedAt });
    this.changed.fire(channel);
  }
}

export interface ChannelsTreeRow {
  id: string;
  label: string;
  description?: string;
  contextValue?: string;
  children: { id: string; label: string; description?: string }[];
}

export class ChannelsTreeProvider implements vscode.TreeDataProvider<ChannelsTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ChannelsTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<ChannelsTreeNode>;
  private readonly subscriptions: vscode.Disposable[] = [];
  private backendMessage: string | undefined;

  constructor(
    private readonly engine: JobEngineApi,
    private readonly modes: ChannelModesStore,
    /** True once the engine has read the channels (before that an empty list means "not loaded yet"). */
    private readonly loaded: () => boolean,
  ) {
    this.view = vscode.window.createTreeView('midjourney.channels', { treeDataProvider: this });
    this.subscriptions.push(
      this.view,
      this.changed,
      engine.onDidChangeChannels(() => this.refresh()),
      modes.onDidChange(() => this.refresh()),
    );
    this.refresh();
  }

  get treeView(): vscode.TreeView<ChannelsTreeNode> {
    return this.view;
  }

  setBackendMessage(message: string | undefined): void {
    this.backendMessage = message;
    this.updateMessage();
  }

  refresh(): void {
    this.updateMessage();
    this.changed.fire(undefined);
  }

  private updateMessage(): void {
    const channels = this.engine.channels();
    const notes: string[] = [];
    if (this.backendMessage) notes.push(this.backendMessage);
    if (this.loaded() && channels.length === 0) notes.push('No channel yet: run “Midjourney: Configure Channel…” with the Discord token of your Midjourney account.');
    const locked = channels.filter((c) => c.lockedReason).length;
    if (locked) notes.push(`${locked} channel${locked > 1 ? 's are' : ' is'} locked: clear the message in Discord, then reset.`);
    this.view.message = notes.length ? notes.join(' ') : undefined;
  }

  getChildren(element?: ChannelsTreeNode): ChannelsTreeNode[] {
    if (!element) return this.engine.channels().map((channel) => ({ kind: 'channel', channel }));
    if (element.kind === 'channel') {
      return channelDetails(element.channel, this.modes.get(element.channel.channel)).map((detail) => ({ kind: 'detail', channel: element.channel, detail }));
    }
    return [];
  }

  getTreeItem(element: ChannelsTreeNode): vscode.TreeItem {
    if (element.kind === 'channel') {
      const { channel } = element;
      const item = new vscode.TreeItem(channel.channel, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `channel:${channel.channel}`;
      item.description = channelDescription(channel, this.modes.get(channel.channel));
      item.contextValue = channelContextValue(channel);
      item.iconPath = channel.lockedReason
        ? new vscode.ThemeIcon('lock', new vscode.ThemeColor('charts.orange'))
        : new vscode.ThemeIcon('broadcast', new vscode.ThemeColor('charts.green'));
      item.tooltip = channel.lockedReason
        ? `Locked by Midjourney: ${channel.lockedReason}. Open your Discord DM with the Midjourney Bot, acknowledge the message or solve the CAPTCHA, then run “Reset Channel”.`
        : `Channel ${channel.channel}: ${channel.running.total}/${channel.maxJobs} jobs running`;
      return item;
    }
    const { detail } = element;
    const item = new vscode.TreeItem(detail.label, vscode.TreeItemCollapsibleState.None);
    item.id = detail.id;
    item.description = detail.description;
    if (detail.resetAction) {
      item.iconPath = new vscode.ThemeIcon('debug-restart', new vscode.ThemeColor('charts.orange'));
      item.command = { command: 'midjourney.resetChannel', title: 'Reset Channel', arguments: [{ channel: element.channel.channel }] };
    }
    return item;
  }

  rows(): ChannelsTreeRow[] {
    return this.getChildren().map((node) => {
      const item = this.getTreeItem(node);
      return {
        id: item.id ?? '',
        label: typeof item.label === 'string' ? item.label : '',
        description: typeof item.description === 'string' ? item.description : undefined,
        contextValue: item.contextValue,
        children: this.getChildren(node).map((child) => {
          const c = this.getTreeItem(child);
          return { id: c.id ?? '', label: typeof c.label === 'string' ? c.label : '', description: typeof c.description === 'string' ? c.description : undefined };
        }),
      };
    });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
