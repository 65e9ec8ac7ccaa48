// AI assist in VS Code: "Pick best of 4" on a completed grid, "Enhance prompt" (command and code action
// in .prompts files, shown as a diff before it is applied) and the endpoint key. Invisible and inert
// until `midjourney.ai.enabled` is on: commands refuse with a pointer to the setting, no code actions,
// no network.
import * as vscode from 'vscode';
// Only the light parts of core/ai load with the extension; the assistants (undici, zod) come from the
// runtime bundle when AI assist is first used.
import { autopilotForJobs, pickBestOfFour, whyNotPickable, type AutopilotJobOutcome, type AutopilotResult } from '../../core/ai/autopilot';
import { createEngineDecisionStore, type AiDecisionStore } from '../../core/ai/decisions';
import { waitForCachedAsset } from '../../core/ai/images';
import { enhancePromptLine, joinPromptLines, promptLinesAt } from '../../core/ai/prompt-text';
import { isAiError, type AiAssistant, type AiImage } from '../../core/ai/types';
import type { JobEngineApi } from '../../core/jobs/api';
import { promptOf, type ResultAsset } from '../../core/jobs/model';
import type { Logger } from '../../core/ports';
import { AI_KEY_SECRET, VSCODE_LM_NO_IMAGES, isLoopbackEndpoint, readAiSettings } from './settings';
import { loadRuntime } from '../runtime';

export interface AiAssistDeps {
  engine: JobEngineApi;
  log: Logger;
  /** Bytes of a result image (from the media cache). */
  readImage(asset: ResultAsset): Promise<AiImage>;
  /** Builds/loads the engine before jobs are looked up (EngineHost builds it lazily: pass `() => host.engine()`). */
  ready?(): Promise<unknown>;
  /** Registers a secret with the log redactor (SecretRegistry.register); returns a function that forgets it. */
  registerSecret?(secret: string): () => void;
}

const REWRITE_SCHEME = 'midjourney-ai-rewrite';
/** Internal (not in the manifest): `executeCommand(AUTOPILOT_JOBS_COMMAND, { ids })` after a run is submitted. */
export const AUTOPILOT_JOBS_COMMAND = 'midjourney.ai.autopilotJobs';
const ENHANCE_TITLE = 'Enhance prompt (AI)';
const DOWNLOAD_WAIT_MS = 120_000;

/** `{ id }`, a jobs-tree node `{ job: { id } }`, or a bare id string. */
function jobIdFromArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg !== 'object' || arg === null) return undefined;
  const record = arg as { id?: unknown; job?: { id?: unknown } };
  if (typeof record.id === 'string') return record.id;
  if (typeof record.job?.id === 'string') return record.job.id;
  return undefined;
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

function abortOn(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

export function registerAiAssist(context: vscode.ExtensionContext, deps: AiAssistDeps): vscode.Disposable {
  const { engine, log } = deps;
  // Judging right at completion can precede the engine's download of the singles: wait for the cache.
  const readImage = async (asset: ResultAsset, signal?: AbortSignal): Promise<AiImage> =>
    deps.readImage(await waitForCachedAsset(engine.store, asset, DOWNLOAD_WAIT_MS, signal));
  const decisions: AiDecisionStore = createEngineDecisionStore(engine);
  const rewrites = new Map<string, string>();
  const rewriteChanged = new vscode.EventEmitter<vscode.Uri>();
  let rewriteCounter = 0;
  /** Keys registered with the log redactor, each once. */
  const redactedKeys = new Map<string, () => void>();
  const redact = (key: string) => {
    if (deps.registerSecret && !redactedKeys.has(key)) redactedKeys.set(key, deps.registerSecret(key));
  };

  async function readKey(): Promise<string | undefined> {
    const key = (await context.secrets.get(AI_KEY_SECRET))?.trim();
    if (key) redact(key);
    return key || undefined;
  }

  /** True when enabled; otherwise says how to enable it and returns false. */
  function ensureEnabled(): boolean {
    if (readAiSettings().enabled) return true;
    void vscode.window
      .showInformationMessage('AI assist is off. Turn on the setting "midjourney.ai.enabled" to use it.', 'Open Setting')
      .then((choice) => (choice ? vscode.commands.executeCommand('workbench.action.openSettings', 'midjourney.ai.enabled') : undefined));
    return false;
  }

  /** VS Code 1.100's language models take text only: judging images needs the openai-compatible provider. */
  function ensureCanJudgeImages(): boolean {
    if (readAiSettings().provider !== 'vscode-lm') return true;
    void vscode.window
      .showWarningMessage(VSCODE_LM_NO_IMAGES.replace(/^No pick: /, ''), 'Open Setting')
      .then((choice) => (choice ? vscode.commands.executeCommand('workbench.action.openSettings', 'midjourney.ai.provider') : undefined));
    return false;
  }

  /** The configured assistant, or undefined after telling the user what is missing. */
  async function assistantFromSettings(): Promise<AiAssistant | undefined> {
    const settings = readAiSettings();
    if (settings.provider === 'vscode-lm') return loadRuntime().createVscodeLmAssistant({ family: settings.model || undefined, log });
    if (!settings.endpoint || !settings.model) {
      void vscode.window.showWarningMessage('Set "midjourney.ai.endpoint" and "midjourney.ai.model" for the openai-compatible AI provider.');
      return undefined;
    }
    const key = await readKey();
    if (!key && !isLoopbackEndpoint(settings.endpoint)) {
      void vscode.window
        .showWarningMessage(`No key is set for the AI endpoint ${settings.endpoint}.`, 'Set AI Endpoint Key')
        .then((choice) => (choice ? vscode.commands.executeCommand('midjourney.setAiKey') : undefined));
      return undefined;
    }
    return loadRuntime().createOpenAiCompatibleAssistant({ endpoint: settings.endpoint, model: settings.model, getKey: readKey, log });
  }

  async function chooseGrid(): Promise<string | undefined> {
    const grids = engine.store.all().filter((job) => whyNotPickable(job) === undefined);
    if (grids.length === 0) {
      void vscode.window.showInformationMessage('No completed image grid to pick from yet.');
      return undefined;
    }
    const chosen = await vscode.window.showQuickPick(
      grids.map((job) => ({ label: promptOf(job), description: job.jobId, id: job.id })),
      { title: 'Pick best of 4 (AI): choose a grid', matchOnDescription: true },
    );
    return chosen?.id;
  }

  async function pickCommand(arg: unknown): Promise<AutopilotResult | undefined> {
    if (!ensureEnabled() || !ensureCanJudgeImages()) return undefined;
    await deps.ready?.();
    const jobId = jobIdFromArg(arg) ?? (await chooseGrid());
    if (!jobId) return undefined;
    const assistant = await assistantFromSettings();
    if (!assistant) return undefined;
    const { autoAnimate } = readAiSettings();
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Pick best of 4 (AI)', cancellable: true },
      async (progress, token) => {
        progress.report({ message: 'asking the model…' });
        try {
          const result = await pickBestOfFour(engine, jobId, assistant, {
            animate: autoAnimate,
            readImage,
            decisions,
            signal: abortOn(token),
            log,
          });
          const { judgement } = result;
          if (judgement.kind === 'pick') {
            const then = result.animateJobId ? ' Upscaled and animating it.' : ' Upscaling it.';
            void vscode.window.showInformationMessage(`AI picked image ${judgement.index} (${judgement.model}): ${judgement.reason}${then}`);
          } else {
            void vscode.window.showWarningMessage(`AI made no pick (${judgement.model}). ${judgement.reason}`);
          }
          if (result.problem) void vscode.window.showWarningMessage(result.problem);
          return result;
        } catch (error) {
          if (isAbort(error)) return undefined;
          if (isAiError(error)) void vscode.window.showWarningMessage(error.message);
          else {
            log.error(error instanceof Error ? error : String(error));
            void vscode.window.showErrorMessage(`Pick best of 4 failed: ${error instanceof Error ? error.message : String(error)}`);
          }
          return undefined;
        }
      },
    );
  }

  /**
   * Internal command for runs of a .prompts file (`@autopilot`): judge each job's grid as soon as it
   * completes. Callers pass the local ids of the jobs that asked for it and need not await the result.
   */
  async function autopilotJobsCommand(arg: unknown): Promise<AutopilotJobOutcome[] | undefined> {
    const ids = (arg as { ids?: unknown } | undefined)?.ids;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id): id is string => typeof id === 'string')) return undefined;
    if (!ensureEnabled() || !ensureCanJudgeImages()) return undefined;
    await deps.ready?.();
    const assistant = await assistantFromSettings();
    if (!assistant) return undefined;
    const { autoAnimate } = readAiSettings();
    const outcomes = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `AI autopilot: ${ids.length} grid${ids.length === 1 ? '' : 's'}` },
      () => autopilotForJobs(engine, ids, assistant, { animate: autoAnimate, readImage, decisions, log }),
    );
    const picked = outcomes.filter((o) => o.result?.judgement.kind === 'pick').length;
    const failed = outcomes.filter((o) => o.error).length;
    void vscode.window.showInformationMessage(
      `AI autopilot: picked an image in ${picked} of ${ids.length} grids${failed ? `; ${failed} could not be judged (see the log)` : ''}.`,
    );
    return outcomes;
  }

  /** The prompt to enhance: an explicit {uri, line} (the code action's argument), else the selection or the prompt at the cursor. */
  async function enhanceTarget(arg: unknown): Promise<{ document: vscode.TextDocument; range: vscode.Range; text: string } | undefined> {
    const explicit = arg as { uri?: unknown; line?: unknown } | undefined;
    if (explicit && typeof explicit.uri === 'string' && typeof explicit.line === 'number') {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(explicit.uri));
      return promptAt(document, explicit.line);
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor) return undefined;
    if (!editor.selection.isEmpty) {
      const range = new vscode.Range(editor.selection.start, editor.selection.end);
      return { document: editor.document, range, text: editor.document.getText(range) };
    }
    return promptAt(editor.document, editor.selection.active.line);
  }

  async function enhanceCommand(arg: unknown): Promise<string | undefined> {
    if (!ensureEnabled()) return undefined;
    const target = await enhanceTarget(arg);
    if (!target || !target.text.trim()) {
      void vscode.window.showInformationMessage('Put the cursor on a prompt (or select one) to enhance it.');
      return undefined;
    }
    const assistant = await assistantFromSettings();
    if (!assistant) return undefined;
    const { document, range } = target;
    const version = document.version;

    let rewrite: string | undefined;
    try {
      rewrite = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: ENHANCE_TITLE, cancellable: true },
        (_progress, token) => enhancePromptLine(assistant, target.text, abortOn(token)),
      );
    } catch (error) {
      if (isAbort(error)) return undefined;
      const message = error instanceof Error ? error.message : String(error);
      void vscode.window.showWarningMessage(`The prompt was left unchanged. ${message}`);
      return undefined;
    }

    // Show the whole file before/after, then ask; the file is only changed after "Apply".
    const before = document.getText();
    const after = before.slice(0, document.offsetAt(range.start)) + rewrite + before.slice(document.offsetAt(range.end));
    const rewriteUri = vscode.Uri.from({ scheme: REWRITE_SCHEME, path: `/${++rewriteCounter}/${document.uri.path.split('/').pop() ?? 'prompt'}` });
    rewrites.set(rewriteUri.toString(), after);
    rewriteChanged.fire(rewriteUri);
    try {
      await vscode.commands.executeCommand('vscode.diff', document.uri, rewriteUri, `${ENHANCE_TITLE}: current ↔ rewrite`, { preview: true });
      // `{ confirm: false }` (tests, automation) applies after showing the diff without the modal question.
      const confirm = (arg as { confirm?: unknown } | undefined)?.confirm !== false;
      const choice = confirm ? await vscode.window.showInformationMessage('Apply the AI rewrite of this prompt?', { modal: true, detail: rewrite }, 'Apply') : 'Apply';
      if (choice !== 'Apply') return undefined;
      if (document.version !== version) {
        void vscode.window.showWarningMessage('The file changed while the rewrite was shown; nothing was applied.');
        return undefined;
      }
      const edit = new vscode.WorkspaceEdit();
      edit.replace(document.uri, range, rewrite);
      await vscode.workspace.applyEdit(edit);
      return rewrite;
    } finally {
      await closeDiff(rewriteUri);
      rewrites.delete(rewriteUri.toString());
    }
  }

  /** `midjourney.setAiKey(key?)` — a string argument skips the input box (as setApiToken does); "" removes the key. */
  async function setKeyCommand(keyArg?: unknown): Promise<boolean> {
    const value =
      typeof keyArg === 'string'
        ? keyArg
        : await vscode.window.showInputBox({
            title: 'AI endpoint key',
            prompt: 'Key for the OpenAI-compatible endpoint in "midjourney.ai.endpoint". Kept in VS Code secret storage. Leave empty to remove it.',
            password: true,
            ignoreFocusOut: true,
            validateInput: (text) => (/\s/.test(text.trim()) ? 'A key has no spaces.' : undefined),
          });
    if (value === undefined) return false;
    const key = value.trim();
    if (/\s/.test(key)) {
      void vscode.window.showWarningMessage('A key has no spaces; nothing was saved.');
      return false;
    }
    if (!key) {
      await context.secrets.delete(AI_KEY_SECRET);
      void vscode.window.showInformationMessage('AI endpoint key removed.');
      return true;
    }
    redact(key);
    await context.secrets.store(AI_KEY_SECRET, key);
    log.info('AI endpoint key saved to secret storage.');
    void vscode.window.showInformationMessage('AI endpoint key saved in secret storage.');
    return true;
  }

  const codeActions: vscode.CodeActionProvider = {
    provideCodeActions(document, range) {
      if (!readAiSettings().enabled) return [];
      const target = promptAt(document, range.start.line);
      if (!target) return [];
      const action = new vscode.CodeAction(ENHANCE_TITLE, vscode.CodeActionKind.RefactorRewrite);
      action.command = { command: 'midjourney.enhancePrompt', title: ENHANCE_TITLE, arguments: [{ uri: document.uri.toString(), line: range.start.line }] };
      return [action];
    },
  };

  return vscode.Disposable.from(
    vscode.commands.registerCommand('midjourney.pickBestOfFour', pickCommand),
    vscode.commands.registerCommand('midjourney.enhancePrompt', enhanceCommand),
    vscode.commands.registerCommand('midjourney.setAiKey', setKeyCommand),
    vscode.commands.registerCommand(AUTOPILOT_JOBS_COMMAND, autopilotJobsCommand),
    vscode.languages.registerCodeActionsProvider({ language: 'prompts' }, codeActions, { providedCodeActionKinds: [vscode.CodeActionKind.RefactorRewrite] }),
    vscode.workspace.registerTextDocumentContentProvider(REWRITE_SCHEME, {
      onDidChange: rewriteChanged.event,
      provideTextDocumentContent: (uri) => rewrites.get(uri.toString()) ?? '',
    }),
    rewriteChanged,
    {
      dispose: () => {
        for (const forget of redactedKeys.values()) forget();
        redactedKeys.clear();
      },
    },
  );
}

/** The prompt (with `\` continuations) around a line of a .prompts file, looking at nearby lines only. */
function promptAt(document: vscode.TextDocument, line: number): { document: vscode.TextDocument; range: vscode.Range; text: string } | undefined {
  if (line < 0 || line >= document.lineCount) return undefined;
  const windowStart = Math.max(0, line - 100);
  const windowEnd = Math.min(document.lineCount - 1, line + 100);
  const lines: string[] = [];
  for (let i = windowStart; i <= windowEnd; i++) lines.push(document.lineAt(i).text);
  const found = promptLinesAt(lines, line - windowStart);
  if (!found) return undefined;
  const start = windowStart + found.start;
  const end = windowStart + found.end;
  const range = new vscode.Range(start, 0, end, document.lineAt(end).text.length);
  return { document, range, text: joinPromptLines(lines.slice(found.start, found.end + 1)) };
}

async function closeDiff(rewriteUri: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === rewriteUri.toString());
  if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
}
