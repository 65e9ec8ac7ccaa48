// The run commands: Imagine Selection (any editor), Imagine Prompt at Cursor, Run Prompts File (or
// one block), Preview Prompts File, New Prompts File. Nothing is sent while a prompt has errors.
import * as vscode from 'vscode';
import type { JobEngineApi } from '../../core/jobs/api';
import type { JobRecord } from '../../core/jobs/model';
import type { Logger } from '../../core/ports';
import {
  analyzeFile, estimateRun, formatEstimate, promptsFileProblem, withImageUrls, type ExpandedJob, type FileAnalysis, type PromptAnalysis, type PromptDiagnostic,
} from '../../core/prompts';
import { analyzeOptionsFor, type LanguageSettings, type PromptsDocuments } from './documents';
import { LANGUAGE_ID } from './diagnostics';
import { previewUri } from './preview';

export interface SendDeps {
  engine: JobEngineApi;
  log: Logger;
  resolveImagePath?: (absPath: string) => Promise<string>;
  /** Called with the records of every accepted submission (e.g. to start AI autopilot for `job.autopilot`). */
  onJobsSubmitted?: (submitted: readonly { job: ExpandedJob; record: JobRecord }[]) => void;
}

export const NEW_FILE_TEMPLATE = `# Midjourney prompts: one prompt per line. Hover a parameter for help; type -- or @ for completions.
# "Imagine" above a prompt sends it; "Run all" sends the file; "Preview jobs" shows what would be sent.
@defaults --ar 16:9 --v 7

### first ideas
a lighthouse on a cliff at dawn, oil painting, dramatic light
a {red, blue} vintage car on a coastal road --chaos 20
`;

function describeProblem(d: PromptDiagnostic): string {
  return `line ${d.line + 1}: ${d.message}`;
}

/** Says why nothing was sent; the command finishes without waiting for the user to react. */
function refuse(errors: readonly PromptDiagnostic[]): void {
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  void vscode.window.showErrorMessage(`Midjourney: nothing was sent. ${describeProblem(errors[0])}${more}`, 'Show Problems').then(async (choice) => {
    if (choice === 'Show Problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
  });
}

function errorsWithin(analysis: FileAnalysis, prompts: readonly PromptAnalysis[]): PromptDiagnostic[] {
  return analysis.diagnostics.filter((d) => d.severity === 'error' && prompts.some((p) => d.line <= p.node.endLine && d.endLine >= p.node.line));
}

export class PromptCommands {
  constructor(private readonly documents: PromptsDocuments, private readonly settings: LanguageSettings, private readonly deps: SendDeps) {}

  register(): vscode.Disposable[] {
    const run = (fn: (...args: unknown[]) => Promise<void>) => async (...args: unknown[]): Promise<void> => {
      try {
        await fn(...args);
      } catch (e: unknown) {
        this.deps.log.error(e instanceof Error ? e : String(e));
        void vscode.window.showErrorMessage(`Midjourney: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    return [
      vscode.commands.registerCommand('midjourney.imagineSelection', run(() => this.imagineSelection())),
      vscode.commands.registerCommand('midjourney.imaginePromptAtCursor', run((uri, line) => this.imagineAt(uri, line))),
      vscode.commands.registerCommand('midjourney.runPromptsFile', run((uri, block) => this.runFile(uri, block))),
      vscode.commands.registerCommand('midjourney.previewPromptsFile', run((uri) => this.preview(uri))),
      vscode.commands.registerCommand('midjourney.newPromptsFile', run(() => this.newFile())),
    ];
  }

  private async documentFor(uri: unknown): Promise<vscode.TextDocument | undefined> {
    if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
    const editor = vscode.window.activeTextEditor;
    if (editor) return editor.document;
    void vscode.window.showInformationMessage('Midjourney: open a .prompts file first.');
    return undefined;
  }

  private async imagineSelection(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('Midjourney: select a prompt in an editor first.');
      return;
    }
    const document = editor.document;
    const selection = editor.selection;
    const firstLine = selection.isEmpty ? selection.active.line : selection.start.line;
    const lastLine = selection.isEmpty ? selection.active.line : selection.end.line - (selection.end.character === 0 && selection.end.line > selection.start.line ? 1 : 0);
    if (document.languageId === LANGUAGE_ID) {
      // In a .prompts file the directives above still apply.
      const analysis = this.documents.get(document);
      const prompts = analysis.prompts.filter((p) => p.node.endLine >= firstLine && p.node.line <= lastLine);
      await this.send(analysis, prompts, 'the selection');
      return;
    }
    const text = selection.isEmpty ? document.lineAt(firstLine).text : document.getText(selection);
    const analysis = analyzeFile(text, analyzeOptionsFor(document.uri, this.settings));
    for (const p of analysis.prompts) for (const j of p.jobs) j.source.line += firstLine;
    for (const d of analysis.diagnostics) {
      d.line += firstLine;
      d.endLine += firstLine;
    }
    for (const p of analysis.prompts) {
      p.node.line += firstLine;
      p.node.endLine += firstLine;
    }
    await this.send(analysis, analysis.prompts, 'the selection');
  }

  private async imagineAt(uri: unknown, line: unknown): Promise<void> {
    const document = await this.documentFor(uri);
    if (!document) return;
    const at = typeof line === 'number' ? line : vscode.window.activeTextEditor?.selection.active.line ?? 0;
    const analysis = this.documents.get(document);
    const prompt = analysis.prompts.find((p) => p.node.line <= at && at <= p.node.endLine);
    if (!prompt) {
      void vscode.window.showInformationMessage(`Midjourney: line ${at + 1} holds no prompt.`);
      return;
    }
    await this.send(analysis, [prompt], `line ${prompt.node.line + 1}`);
  }

  private async runFile(uri: unknown, block: unknown): Promise<void> {
    const document = await this.documentFor(uri);
    if (!document) return;
    // The CLI's guard, on the text VS Code decoded: a binary or oversized file is not a list of prompts.
    const fileProblem = promptsFileProblem(new TextEncoder().encode(document.getText()));
    if (fileProblem) {
      void vscode.window.showErrorMessage(`Midjourney: nothing was sent: ${fileProblem}`);
      return;
    }
    const analysis = this.documents.get(document);
    const blockName = typeof block === 'string' ? block : undefined;
    const prompts = blockName === undefined ? analysis.prompts : analysis.prompts.filter((p) => p.node.block?.name === blockName);
    // The whole file must be clean to run it all (a token pasted in a comment counts too).
    const errors = blockName === undefined ? analysis.diagnostics.filter((d) => d.severity === 'error') : errorsWithin(analysis, prompts);
    if (errors.length > 0) {
      refuse(errors);
      return;
    }
    await this.send(analysis, prompts, blockName ? `block "${blockName}"` : 'the file');
  }

  private async preview(uri: unknown): Promise<void> {
    const document = await this.documentFor(uri);
    if (!document) return;
    const preview = await vscode.workspace.openTextDocument(previewUri(document.uri));
    const shown = preview.languageId === 'markdown' ? preview : await vscode.languages.setTextDocumentLanguage(preview, 'markdown');
    await vscode.window.showTextDocument(shown, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  }

  private async newFile(): Promise<void> {
    const document = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content: NEW_FILE_TEMPLATE });
    await vscode.window.showTextDocument(document);
  }

  /** Check, confirm (several jobs), upload workspace images, then submit. */
  async send(analysis: FileAnalysis, prompts: readonly PromptAnalysis[], what: string): Promise<void> {
    if (prompts.length === 0) {
      void vscode.window.showInformationMessage(`Midjourney: ${what} holds no prompt.`);
      return;
    }
    const errors = errorsWithin(analysis, prompts);
    const failing = prompts.filter((p) => p.errors > 0);
    if (errors.length > 0 || failing.length > 0) {
      refuse(errors.length > 0 ? errors : [{ line: failing[0].node.line, column: 0, endLine: failing[0].node.line, endColumn: 0, severity: 'error', code: 'secret-in-file', message: 'this prompt has errors.' }]);
      return;
    }
    let jobs = prompts.flatMap((p) => p.jobs);
    if (jobs.length > 1) {
      const estimate = formatEstimate(estimateRun(jobs));
      const choice = await vscode.window.showInformationMessage(`Send ${jobs.length} Midjourney jobs from ${what}?`, { modal: true, detail: estimate }, 'Send');
      if (choice !== 'Send') return;
    }
    jobs = await this.uploadImages(jobs);
    if (jobs.length === 0) return;
    const engine = this.deps.engine;
    let records: JobRecord[];
    if (jobs.length === 1) {
      const j = jobs[0];
      records = [await engine.submit(j.request, { priority: 'user', source: j.source, channel: j.channel })];
    } else {
      const batch = await engine.submitBatch(jobs.map((j) => ({ request: j.request, source: j.source, channel: j.channel })));
      records = batch.jobs;
    }
    this.deps.log.info(`prompts: queued ${records.length} job(s) from ${what}`);
    vscode.window.setStatusBarMessage(`$(sparkle) Midjourney: queued ${records.length} job${records.length === 1 ? '' : 's'}`, 4000);
    this.deps.onJobsSubmitted?.(records.map((record, i) => ({ job: jobs[i], record })));
  }

  /** Workspace images become URLs through `resolveImagePath`; without it, such jobs are refused. */
  private async uploadImages(jobs: ExpandedJob[]): Promise<ExpandedJob[]> {
    const withPaths = jobs.filter((j) => j.imagePaths?.length);
    if (withPaths.length === 0) return jobs;
    const resolve = this.deps.resolveImagePath;
    if (!resolve) {
      const j = withPaths[0];
      void vscode.window.showErrorMessage(`Midjourney: nothing was sent. Line ${j.source.line + 1} uses the workspace image ${j.imagePaths?.[0].text ?? ''}; `
        + 'uploading local images is not available here. Use an image URL instead.');
      return [];
    }
    const cache = new Map<string, Promise<string>>();
    const once = (p: string): Promise<string> => {
      let hit = cache.get(p);
      if (!hit) {
        hit = resolve(p);
        cache.set(p, hit);
      }
      return hit;
    };
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Midjourney: uploading workspace images…' },
      () => Promise.all(jobs.map((j) => withImageUrls(j, once))));
  }
}
