// CodeLenses: per file (Run all, Preview jobs), per block (Run block), per prompt (Imagine ×N and a
// live status from the engine's store: queued / 45 % / moderated / 4 results).
import * as vscode from 'vscode';
import type { JobStoreReader } from '../../core/jobs/api';
import type { JobRecord } from '../../core/jobs/model';
import { estimateRun, formatEstimate, latestRunsByLine, promptStatus } from '../../core/prompts';
import { isLocalPath, type PromptsDocuments } from './documents';

export const COMMAND_IMAGINE_AT = 'midjourney.imaginePromptAtCursor';
export const COMMAND_RUN_FILE = 'midjourney.runPromptsFile';
export const COMMAND_PREVIEW_FILE = 'midjourney.previewPromptsFile';
const STATUS_REFRESH_MS = 300;

function statusIcon(jobs: readonly JobRecord[]): string {
  if (jobs.some((j) => j.state === 'running' || j.state === 'submitting')) return '$(sync~spin)';
  if (jobs.some((j) => j.state === 'queued')) return '$(clock)';
  if (jobs.some((j) => j.state === 'moderated' || j.state === 'failed' || j.state === 'lost')) return '$(warning)';
  if (jobs.every((j) => j.state === 'completed')) return '$(check)';
  return '$(circle-slash)';
}

export class PromptsCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly storeListener: { dispose(): void };
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly documents: PromptsDocuments, private readonly store: JobStoreReader) {
    // Store changes arrive with every progress event: refresh the lenses at most every 300 ms.
    this.storeListener = store.onDidChange(() => {
      this.refreshTimer ??= setTimeout(() => {
        this.refreshTimer = undefined;
        this.changed.fire();
      }, STATUS_REFRESH_MS);
    });
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const analysis = this.documents.get(document);
    const lenses: vscode.CodeLens[] = [];
    const top = new vscode.Range(0, 0, 0, 0);
    const total = analysis.prompts.reduce((n, p) => n + p.count, 0);
    const errors = analysis.diagnostics.filter((d) => d.severity === 'error').length;
    if (analysis.prompts.length > 0) {
      const problems = errors > 0 ? ` — ${errors} error${errors === 1 ? '' : 's'} to fix first` : '';
      lenses.push(
        new vscode.CodeLens(top, { title: `$(run-all) Run all (${total} job${total === 1 ? '' : 's'})${problems}`, command: COMMAND_RUN_FILE, arguments: [document.uri] }),
        new vscode.CodeLens(top, { title: `$(open-preview) Preview jobs · ${formatEstimate(estimateRun(analysis.jobs)).split(' (')[0]}`, command: COMMAND_PREVIEW_FILE, arguments: [document.uri] }),
      );
    }
    const jobsPerBlock = new Map<unknown, number>();
    for (const p of analysis.prompts) if (p.node.block) jobsPerBlock.set(p.node.block, (jobsPerBlock.get(p.node.block) ?? 0) + p.count);
    for (const b of analysis.parsed.blocks) {
      const n = jobsPerBlock.get(b);
      if (n === undefined || !b.name) continue;
      lenses.push(new vscode.CodeLens(new vscode.Range(b.line, 0, b.line, 0),
        { title: `$(run-all) Run block (${n} job${n === 1 ? '' : 's'})`, command: COMMAND_RUN_FILE, arguments: [document.uri, b.name] }));
    }
    const file = isLocalPath(document.uri) ? document.uri.fsPath : document.uri.toString();
    const runs = latestRunsByLine(this.store.all(), file);
    for (const p of analysis.prompts) {
      const range = new vscode.Range(p.node.line, 0, p.node.line, 0);
      const times = p.count === 1 ? '' : ` ×${p.count}`;
      const title = p.errors > 0 ? `$(error) Imagine${times} (${p.errors} problem${p.errors === 1 ? '' : 's'})` : `$(play) Imagine${times}`;
      lenses.push(new vscode.CodeLens(range, { title, command: COMMAND_IMAGINE_AT, arguments: [document.uri, p.node.line] }));
      const jobs = runs.get(p.node.line);
      const status = jobs ? promptStatus(jobs) : undefined;
      if (jobs && status) lenses.push(new vscode.CodeLens(range, { title: `${statusIcon(jobs)} ${status}`, command: '' }));
    }
    return lenses;
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.storeListener.dispose();
    this.changed.dispose();
  }
}
