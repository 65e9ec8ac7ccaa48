// Queue and history commands, and the Jobs view's filter and grouping.
import * as vscode from 'vscode';
import type { JobsGrouping } from '../views/jobsModel';
import { optionsArg } from './args';
import type { HostServices } from './services';

async function setPausedContext(paused: boolean): Promise<void> {
  await vscode.commands.executeCommand('setContext', 'midjourney.queuePaused', paused);
}

export async function pauseQueue(services: HostServices): Promise<boolean> {
  services.engine.pauseQueue();
  await setPausedContext(true);
  return true;
}

export async function resumeQueue(services: HostServices): Promise<boolean> {
  services.engine.resumeQueue();
  await setPausedContext(false);
  return false;
}

/** Cancels every queued job (not yet sent). Returns how many. */
export async function cancelQueue(services: HostServices): Promise<number> {
  const count = await services.engine.cancelQueue();
  vscode.window.setStatusBarMessage(`$(clear-all) ${count} queued job(s) cancelled`, 4000);
  return count;
}

/** `midjourney.clearHistory({ confirmed? })` — removes finished jobs; persisted by the engine. */
export async function clearHistory(services: HostServices, options?: unknown): Promise<number> {
  if (!optionsArg<{ confirmed: boolean }>(options).confirmed) {
    const pick = await vscode.window.showWarningMessage(
      'Clear the job history?',
      { modal: true, detail: 'Finished jobs are removed from the Jobs view and the gallery. Running and queued jobs stay. Files saved to the workspace are kept.' },
      'Clear History',
    );
    if (pick !== 'Clear History') return 0;
  }
  return services.engine.clearHistory();
}

/** `midjourney.filterJobs(text?)` — empty text clears the filter. */
export async function filterJobs(services: HostServices, textArg?: unknown): Promise<string> {
  let text = typeof textArg === 'string' ? textArg : undefined;
  if (text === undefined) {
    text = await vscode.window.showInputBox({
      title: 'Filter jobs',
      prompt: 'Show jobs whose prompt, id, state, channel or file contains this text. Empty shows all.',
      value: services.jobsTree.currentFilter,
    });
    if (text === undefined) return services.jobsTree.currentFilter;
  }
  services.jobsTree.setFilter(text);
  return services.jobsTree.currentFilter;
}

/** `midjourney.groupJobs('state' | 'source')`. */
export async function groupJobs(services: HostServices, groupingArg?: unknown): Promise<JobsGrouping> {
  let grouping: JobsGrouping | undefined = groupingArg === 'state' || groupingArg === 'source' ? groupingArg : undefined;
  if (!grouping) {
    const current = services.jobsTree.currentGrouping;
    const picked = await vscode.window.showQuickPick([
      { label: 'By state', description: current === 'state' ? 'current' : 'Running, Queued, Finished', grouping: 'state' as const },
      { label: 'By source file', description: current === 'source' ? 'current' : 'one group per .prompts file', grouping: 'source' as const },
    ], { title: 'Group jobs' });
    if (!picked) return current;
    grouping = picked.grouping;
  }
  await services.jobsTree.setGrouping(grouping);
  return grouping;
}

export function showLog(services: HostServices): void {
  services.log.show();
}

export async function openApiDocs(): Promise<boolean> {
  return vscode.env.openExternal(vscode.Uri.parse('https://useapi.net/docs/api-midjourney-v3'));
}
