// The status-bar item: how many jobs run and wait, and which backend answers (simulator or useapi).
import * as vscode from 'vscode';
import type { JobEngineApi } from '../core/jobs/api';

export type BackendLabel = 'demo' | 'useapi' | 'no token';

export class StudioStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscription: vscode.Disposable;
  private backend: BackendLabel = 'demo';
  private backendUrl: string | undefined;

  constructor(private readonly engine: JobEngineApi) {
    this.item = vscode.window.createStatusBarItem('midjourney.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Midjourney Studio';
    this.item.command = 'midjourney.jobs.focus';
    this.subscription = engine.store.onDidChange(() => this.update());
    this.update();
    this.item.show();
  }

  setBackend(label: BackendLabel, url?: string): void {
    this.backend = label;
    this.backendUrl = url;
    this.update();
  }

  /** The text as shown, for tests. */
  get text(): string {
    return this.item.text;
  }

  private update(): void {
    const jobs = this.engine.store.all();
    const running = jobs.filter((j) => j.state === 'running' || j.state === 'submitting').length;
    const queued = jobs.filter((j) => j.state === 'queued').length;
    const load = running || queued ? ` ${running} running${queued ? ` · ${queued} queued` : ''}` : '';
    const icon = running ? '$(sync~spin)' : '$(sparkle)';
    const backend = this.backend === 'demo' ? ' · demo' : this.backend === 'no token' ? ' · no token' : '';
    this.item.text = `${icon} MJ${load}${backend}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown('**Midjourney Studio**\n\n');
    tooltip.appendMarkdown(`${running} running, ${queued} queued${this.engine.queuePaused ? ' (queue paused)' : ''}\n\n`);
    if (this.backend === 'demo') tooltip.appendMarkdown('Demo mode: the built-in simulator answers; nothing leaves this machine. [Set API Token](command:midjourney.setApiToken)');
    else if (this.backend === 'no token') tooltip.appendMarkdown('Demo mode is off and no API token is set. [Set API Token](command:midjourney.setApiToken)');
    else tooltip.appendText(`Server: ${this.backendUrl ?? 'useapi.net'}`);
    tooltip.isTrusted = { enabledCommands: ['midjourney.setApiToken'] };
    this.item.tooltip = tooltip;
    this.item.backgroundColor = this.backend === 'no token' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
