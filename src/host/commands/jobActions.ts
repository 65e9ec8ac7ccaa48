// Actions on one job from the Jobs view's menus (or `{ id }` from tests and the gallery).
import * as vscode from 'vscode';
import { isTerminal, promptOf, type JobRecord } from '../../core/jobs/model';
import { saveResults } from '../../core/media/save';
import { isActive, isCompleted, resolveJob } from './args';
import { withAbort } from './accounts';
import type { HostServices } from './services';

export async function cancelJob(services: HostServices, ref?: unknown): Promise<JobRecord | undefined> {
  const job = await resolveJob(services, ref, 'Cancel which job?', isActive);
  if (isTerminal(job.state)) return job;
  await services.engine.cancel(job.id);
  return services.engine.store.get(job.id);
}

export async function retryJob(services: HostServices, ref?: unknown): Promise<JobRecord> {
  const job = await resolveJob(services, ref, 'Retry which job?', (j) => ['failed', 'moderated', 'cancelled', 'lost'].includes(j.state));
  return services.engine.retry(job.id);
}

export async function revealSource(services: HostServices, ref?: unknown): Promise<boolean> {
  const job = await resolveJob(services, ref, 'Reveal the source of which job?', (j) => j.source !== undefined);
  if (!job.source) throw new Error('This job was not started from a .prompts file.');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const file = job.source.file;
  const uri = file.startsWith('/') || /^[A-Za-z]:/.test(file) || !folder ? vscode.Uri.file(file) : vscode.Uri.joinPath(folder, file);
  const position = new vscode.Position(job.source.line, 0);
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), preview: false });
  return true;
}

export async function copyPrompt(services: HostServices, ref?: unknown): Promise<string> {
  const job = await resolveJob(services, ref, 'Copy the prompt of which job?', () => true);
  const text = promptOf(job);
  await vscode.env.clipboard.writeText(text);
  return text;
}

export async function copyJobId(services: HostServices, ref?: unknown): Promise<string> {
  const job = await resolveJob(services, ref, 'Copy the id of which job?', () => true);
  const text = job.jobId ?? job.id;
  await vscode.env.clipboard.writeText(text);
  return text;
}

/** Opens the downloaded results in VS Code's image/video preview. Returns the opened paths. */
export async function openJobFiles(services: HostServices, ref?: unknown): Promise<string[]> {
  const job = await resolveJob(services, ref, 'Open the results of which job?', isCompleted);
  const files = job.assets.filter((a) => a.cachedPath).sort((a, b) => a.index - b.index);
  if (files.length === 0) {
    const pick = await vscode.window.showInformationMessage('The results of this job are not downloaded yet.', 'Open in Gallery');
    if (pick) await vscode.commands.executeCommand('midjourney.openGallery', { id: job.id });
    return [];
  }
  const opened: string[] = [];
  for (const asset of files) {
    if (!asset.cachedPath) continue;
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(asset.cachedPath), { preview: false });
    opened.push(asset.cachedPath);
  }
  return opened;
}

/** Ancestors of a job, nearest parent first (for the provenance sidecar). */
function lineageOf(services: HostServices, job: JobRecord): JobRecord[] {
  const lineage: JobRecord[] = [];
  let parentId = job.parentId;
  while (parentId && lineage.length < 50) {
    const parent = services.engine.store.get(parentId);
    if (!parent) break;
    lineage.push(parent);
    parentId = parent.parentId;
  }
  return lineage;
}

/** Saves the results into the workspace output folder (`midjourney.output.*`), each with a provenance sidecar. */
export async function saveJobToWorkspace(services: HostServices, ref?: unknown): Promise<string[]> {
  const job = await resolveJob(services, ref, 'Save the results of which job?', isCompleted);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) throw new Error('Open a folder first: results are saved into the workspace.');
  const cache = await services.engine.mediaCache();
  if (!cache) throw new Error('Results cannot be downloaded: the engine has no media cache.');
  const output = services.settings.current.output;
  const saved = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Saving results…', cancellable: true }, (_p, token) =>
    withAbort(token, (signal) => saveResults(job, { workspaceDir: folder.fsPath, outputFolder: output.folder, pattern: output.pattern, cache, lineage: lineageOf(services, job), signal })),
  );
  vscode.window.setStatusBarMessage(`$(save) Saved ${saved.length} file(s) to ${output.folder}`, 5000);
  return saved.map((f) => f.path);
}
