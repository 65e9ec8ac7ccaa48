// Describe Image: uploads an image from the explorer (or a URL), waits for the four prompts, then
// offers to run one, insert it into a .prompts file, or copy it.
import * as vscode from 'vscode';
import type { ImageInput, JobRecord } from '../../core/jobs/model';
import { isHttpUrl } from '../promptBuilder';
import { imageInputFromUri, isUri, optionsArg, requireCompleted, waitWithProgress } from './args';
import type { HostServices } from './services';

export interface DescribeOptions {
  url: string;
  /** Skip the follow-up question (tests, scripts). */
  action: 'none';
}

/** `midjourney.describe(uri?, uris?, options?)` — returns the completed describe job. */
export async function describe(services: HostServices, uriArg?: unknown, _uris?: unknown, optionsValue?: unknown): Promise<JobRecord | undefined> {
  const options = optionsArg<DescribeOptions>(isUri(uriArg) ? optionsValue : uriArg);
  let image: ImageInput;
  if (isUri(uriArg)) image = await imageInputFromUri(uriArg);
  else if (options.url) image = { kind: 'url', url: options.url };
  else {
    const picked = await askImage();
    if (!picked) return undefined;
    image = picked;
  }
  const channel = services.settings.current.defaultChannel || undefined;
  const submitted = await services.engine.submit({ verb: 'describe', image, channel }, { priority: 'user', channel });
  const job = requireCompleted(await waitWithProgress(services, submitted, 'Describing the image…'), 'Describe');
  const prompts = job.describedPrompts ?? [];
  if (prompts.length === 0) throw new Error('The service returned no prompts for this image.');
  if (options.action !== 'none') await offerPrompts(services, prompts);
  return job;
}

async function askImage(): Promise<ImageInput | undefined> {
  const source = await vscode.window.showQuickPick([
    { label: '$(file-media) An image file…', source: 'file' as const },
    { label: '$(link) An image URL…', source: 'url' as const },
  ], { title: 'Describe which image?' });
  if (!source) return undefined;
  if (source.source === 'url') {
    const url = await vscode.window.showInputBox({ title: 'Image URL', validateInput: (v) => (isHttpUrl(v) ? undefined : 'Use an http(s) URL.') });
    return url ? { kind: 'url', url: url.trim() } : undefined;
  }
  const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Images: ['png', 'jpg', 'jpeg', 'webp', 'gif'] } });
  return files?.[0] ? imageInputFromUri(files[0]) : undefined;
}

async function offerPrompts(services: HostServices, prompts: readonly string[]): Promise<void> {
  const picked = await vscode.window.showQuickPick(
    prompts.map((p, i) => ({ label: `${i + 1}`, detail: p, prompt: p })),
    { title: 'Midjourney described the image — pick a prompt', matchOnDetail: true },
  );
  if (!picked) return;
  const action = await vscode.window.showQuickPick([
    { label: '$(sparkle) Imagine it now', id: 'run' },
    { label: '$(insert) Insert into a .prompts file', id: 'insert' },
    { label: '$(copy) Copy', id: 'copy' },
  ], { title: picked.prompt });
  if (action?.id === 'run') await services.engine.submit({ verb: 'imagine', prompt: picked.prompt }, { priority: 'user' });
  if (action?.id === 'copy') await vscode.env.clipboard.writeText(picked.prompt);
  if (action?.id === 'insert') await insertIntoPromptsFile(picked.prompt);
}

/** Appends the prompt to the active .prompts editor, or opens a new untitled .prompts document. */
async function insertIntoPromptsFile(prompt: string): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.languageId === 'prompts') {
    const doc = editor.document;
    const end = doc.lineAt(doc.lineCount - 1).range.end;
    const prefix = doc.lineAt(doc.lineCount - 1).text.trim() ? '\n\n' : '';
    await editor.edit((b) => b.insert(end, `${prefix}${prompt}\n`));
    return;
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'prompts', content: `# Described by Midjourney\n${prompt}\n` });
  await vscode.window.showTextDocument(doc);
}
