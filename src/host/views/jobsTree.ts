// The Jobs view (`midjourney.jobs`): groups by state or by source file, live progress in the
// description, the running count as the view badge, a text filter, and menus per job state.
import * as vscode from 'vscode';
import type { JobEngineApi } from '../../core/jobs/api';
import { promptOf, type JobRecord, type JobState } from '../../core/jobs/model';
import { buildJobsSnapshot, jobContextValue, jobDescription, jobLabel, type JobGroup, type JobsGrouping, type JobsSnapshot } from './jobsModel';

/** Job nodes carry `id` (the local job id) so every command taking `{ id }` accepts them from menus. */
export type JobsTreeNode = { kind: 'group'; group: JobGroup } | { kind: 'job'; id: string; job: JobRecord };

const jobNode = (job: JobRecord): JobsTreeNode => ({ kind: 'job', id: job.id, job });

const STATE_ICONS: Record<JobState, [string, string | undefined]> = {
  queued: ['clock', 'charts.blue'],
  submitting: ['cloud-upload', 'charts.blue'],
  running: ['loading~spin', 'charts.purple'],
  completed: ['pass-filled', 'charts.green'],
  failed: ['error', 'charts.red'],
  moderated: ['warning', 'charts.orange'],
  cancelled: ['circle-slash', undefined],
  lost: ['question', 'charts.red'],
};

/** Plain data about one row, for integration-test assertions. */
export interface JobsTreeRow {
  id: string;
  label: string;
  description?: string;
  contextValue?: string;
  children: JobsTreeRow[];
}

export class JobsTreeProvider implements vscode.TreeDataProvider<JobsTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<JobsTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private snapshot: JobsSnapshot = { groups: [], nested: new Map(), hidden: 0 };
  private readonly parents = new Map<string, JobsTreeNode>();
  private grouping: JobsGrouping;
  private filterText = '';
  private readonly view: vscode.TreeView<JobsTreeNode>;
  private readonly subscriptions: vscode.Disposable[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  private demoMessage: string | undefined;

  constructor(
    private readonly engine: JobEngineApi,
    private readonly memento: vscode.Memento,
  ) {
    this.grouping = memento.get<JobsGrouping>('midjourney.jobs.grouping') ?? 'state';
    this.view = vscode.window.createTreeView('midjourney.jobs', { treeDataProvider: this, showCollapseAll: true });
    this.subscriptions.push(this.view, this.changed, engine.store.onDidChange(() => this.scheduleRefresh()));
    this.rebuild();
  }

  get treeView(): vscode.TreeView<JobsTreeNode> {
    return this.view;
  }

  get currentGrouping(): JobsGrouping {
    return this.grouping;
  }

  get currentFilter(): string {
    return this.filterText;
  }

  async setGrouping(grouping: JobsGrouping): Promise<void> {
    this.grouping = grouping;
    await this.memento.update('midjourney.jobs.grouping', grouping);
    this.rebuild();
  }

  setFilter(text: string): void {
    this.filterText = text.trim();
    this.rebuild();
  }

  /** Shown at the top of the view, e.g. "Demo mode: …". */
  setBackendMessage(message: string | undefined): void {
    this.demoMessage = message;
    this.updateViewChrome();
  }

  // Progress events arrive several times a second across jobs: coalesce them.
  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.rebuild();
    }, 100);
  }

  /** Recompute now (tests call this through the test API instead of waiting for the debounce). */
  rebuild(): void {
    this.snapshot = buildJobsSnapshot(this.engine.store.all(), this.grouping, this.filterText);
    this.parents.clear();
    for (const group of this.snapshot.groups) {
      const groupNode: JobsTreeNode = { kind: 'group', group };
      for (const job of group.jobs) this.indexJob(job, groupNode);
    }
    this.updateViewChrome();
    this.changed.fire(undefined);
  }

  private indexJob(job: JobRecord, parent: JobsTreeNode): void {
    this.parents.set(job.id, parent);
    for (const child of this.snapshot.nested.get(job.id) ?? []) this.indexJob(child, jobNode(job));
  }

  private updateViewChrome(): void {
    const all = this.engine.store.all();
    const running = all.filter((j) => j.state === 'running' || j.state === 'submitting').length;
    this.view.badge = running > 0 ? { value: running, tooltip: `${running} job${running > 1 ? 's' : ''} running` } : undefined;
    this.view.description = this.filterText ? `filter: ${this.filterText}` : undefined;
    const notes: string[] = [];
    if (this.demoMessage) notes.push(this.demoMessage);
    if (this.filterText && this.snapshot.hidden > 0) notes.push(`${this.snapshot.hidden} job(s) hidden by the filter “${this.filterText}”.`);
    this.view.message = notes.length ? notes.join(' ') : undefined;
  }

  getChildren(element?: JobsTreeNode): JobsTreeNode[] {
    if (!element) return this.snapshot.groups.map((group) => ({ kind: 'group', group }));
    if (element.kind === 'group') return element.group.jobs.map(jobNode);
    return (this.snapshot.nested.get(element.job.id) ?? []).map(jobNode);
  }

  getParent(element: JobsTreeNode): JobsTreeNode | undefined {
    return element.kind === 'job' ? this.parents.get(element.job.id) : undefined;
  }

  getTreeItem(element: JobsTreeNode): vscode.TreeItem {
    if (element.kind === 'group') {
      const { group } = element;
      const item = new vscode.TreeItem(group.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = group.id;
      item.description = group.description ? `${group.description} · ${group.jobs.length}` : String(group.jobs.length);
      item.contextValue = group.id === 'group:queued' ? 'group:queued' : 'group';
      if (this.grouping === 'source' && group.id.startsWith('group:file:')) item.resourceUri = vscode.Uri.file(group.id.slice('group:file:'.length));
      return item;
    }
    const { job } = element;
    const parent = job.parentId ? this.engine.store.get(job.parentId) : undefined;
    const hasChildren = (this.snapshot.nested.get(job.id)?.length ?? 0) > 0;
    const item = new vscode.TreeItem(jobLabel(job, parent), hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `job:${job.id}`;
    item.description = jobDescription(job, Date.now());
    item.contextValue = jobContextValue(job);
    const [icon, color] = STATE_ICONS[job.state];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.tooltip = jobTooltip(job);
    item.command = { command: 'midjourney.openGallery', title: 'Open in Gallery', arguments: [{ id: job.id }] };
    item.accessibilityInformation = { label: `${jobLabel(job, parent)}, ${item.description}` };
    return item;
  }

  /** The visible tree as plain data (tests). */
  rows(): JobsTreeRow[] {
    const toRow = (node: JobsTreeNode): JobsTreeRow => {
      const item = this.getTreeItem(node);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      return {
        id: item.id ?? '',
        label,
        description: typeof item.description === 'string' ? item.description : undefined,
        contextValue: item.contextValue,
        children: this.getChildren(node).map(toRow),
      };
    };
    return this.getChildren().map(toRow);
  }

  async reveal(jobId: string): Promise<void> {
    const job = this.engine.store.get(jobId);
    if (job && this.parents.has(jobId)) await this.view.reveal(jobNode(job), { select: true, focus: false });
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const s of this.subscriptions) s.dispose();
  }
}

function jobTooltip(job: JobRecord): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  // Prompts and server texts are user/API data: appendText escapes them (never rendered as Markdown).
  md.appendText(promptOf(job));
  md.appendMarkdown('\n\n---\n\n');
  const rows: [string, string | undefined][] = [
    ['State', job.state + (job.progress !== undefined && job.state === 'running' ? ` (${Math.round(job.progress)}%)` : '')],
    ['Job id', job.jobId ?? `${job.id} (local)`],
    ['Channel', job.channel],
    ['Pressed', job.parentButton],
    ['Seed', job.seed?.toString()],
    ['Reason', job.reason],
    ['Details', job.reasonDetails],
    ['Source', job.source ? `${job.source.file}:${job.source.line + 1}` : undefined],
    ['Created', new Date(job.createdAt).toLocaleString()],
    ['Finished', job.finishedAt ? new Date(job.finishedAt).toLocaleString() : undefined],
  ];
  for (const [name, value] of rows) {
    if (value === undefined) continue;
    md.appendMarkdown(`**${name}:** `);
    md.appendText(value);
    md.appendMarkdown('  \n');
  }
  return md;
}
