// Get Seed: runs /jobs/seed on a completed image job and offers to copy `--seed N` or add it to the
// prompt's source line in its .prompts file.
import * as vscode from 'vscode';
import type { JobRecord } from '../../core/jobs/model';
import { isSeedable } from '../views/jobsModel';
import { optionsArg, requireCompleted, resolveJob, waitWithProgress } from './args';
import type { HostServices } from './services';

/** `midjourney.extractSeed(ref, { action?: 'none' | 'copy' })` — returns the completed seed job. */
export async function extractSeed(services: HostServices, ref?: unknown, optionsValue?: unknown): Promise<JobRecord | undefined> {
  const { action } = optionsArg<{ action: 'none' | 'copy' }>(optionsValue);
  const parent = await resolveJob(services, ref, 'Get the seed of which job?', isSeedable);
  if (!isSeedable(parent) || !parent.jobId) throw new Error('Seeds exist only for completed image jobs.');
  const existing = services.engine.store.children(parent.id).find((c) => c.verb === 'seed' && c.state === 'completed');
  const job = existing ?? requireCompleted(
    await waitWithProgress(services, await services.engine.submit({ verb: 'seed', parentJobId: parent.jobId }, { priority: 'user' }), 'Getting the seed…'),
    'The seed job',
  );
  if (job.seed === undefined) throw new Error('The service did not return a seed.');
  if (action === 'none') return job;
  if (action === 'copy') {
    await vscode.env.clipboard.writeText(`--seed ${job.seed}`);
    return job;
  }
  const choices = ['Copy --seed'];
  if (parent.source) choices.push('Add --seed to the Prompt');
  const pick = await vscode.window.showInformationMessage(`Seed of this job: ${job.seed}`, ...choices);
  if (pick === 'Copy --seed') await vscode.env.clipboard.writeText(`--seed ${job.seed}`);
  if (pick === 'Add --seed to the Prompt' && parent.source) await addSeedToSource(parent.source.file, parent.source.line, job.seed);
  return job;
}

async function addSeedToSource(file: string, line: number, seed: number): Promise<void> {
  const uri = vscode.Uri.file(file);
  const document = await vscode.workspace.openTextDocument(uri);
  if (line >= document.lineCount) return;
  const text = document.lineAt(line).text;
  const edit = new vscode.WorkspaceEdit();
  const seedFlag = /--seed\s+\d+/;
  if (seedFlag.test(text)) {
    const m = seedFlag.exec(text);
    if (m) edit.replace(uri, new vscode.Range(line, m.index, line, m.index + m[0].length), `--seed ${seed}`);
  } else {
    edit.insert(uri, new vscode.Position(line, text.trimEnd().length), ` --seed ${seed}`);
  }
  await vscode.workspace.applyEdit(edit);
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(line, 0, line, 0) });
}
