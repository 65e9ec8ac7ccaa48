// The `prompts` language in VS Code: diagnostics, completion, hovers, quick fixes, CodeLenses,
// folding, symbols, the jobs preview and the run commands. The grammar, language configuration
// and snippets are static files in media/.
import * as vscode from 'vscode';
import type { JobEngineApi } from '../../core/jobs/api';
import type { Logger } from '../../core/ports';
import { PromptCommands, type SendDeps } from './commands';
import { LANGUAGE_ID, PromptsValidator } from './diagnostics';
import { PromptsDocuments } from './documents';
import { PromptsCodeLensProvider } from './lenses';
import { PREVIEW_SCHEME, PromptsPreviewProvider } from './preview';
import { PromptsCodeActionProvider, PromptsCompletionProvider, PromptsHoverProvider, PromptsStructureProvider } from './providers';

export interface PromptsLanguageDeps {
  engine: JobEngineApi;
  /** Setting `midjourney.defaults.parameters`. */
  defaults: () => string;
  /** Setting `midjourney.prompts.maxExpansion`. */
  maxExpansion: () => number;
  log: Logger;
  /** Upload a workspace image (or otherwise turn it into a URL). Without it, prompts with local images are refused. */
  resolveImagePath?: (absPath: string) => Promise<string>;
  /** Records of every accepted submission, with the expanded job (e.g. `job.autopilot`). */
  onJobsSubmitted?: SendDeps['onJobsSubmitted'];
}

export function registerPromptsLanguage(context: vscode.ExtensionContext, deps: PromptsLanguageDeps): void {
  const settings = { defaults: deps.defaults, maxExpansion: deps.maxExpansion };
  const documents = new PromptsDocuments(settings);
  const selector: vscode.DocumentSelector = { language: LANGUAGE_ID };
  const validator = new PromptsValidator(documents);
  const lenses = new PromptsCodeLensProvider(documents, deps.engine.store);
  const preview = new PromptsPreviewProvider((d) => documents.get(d));
  const structure = new PromptsStructureProvider(documents);
  const commands = new PromptCommands(documents, settings, deps);

  context.subscriptions.push(
    validator, lenses, preview,
    vscode.languages.registerCompletionItemProvider(selector, new PromptsCompletionProvider(documents), '-', '@', '{', ' ', '/'),
    vscode.languages.registerHoverProvider(selector, new PromptsHoverProvider(documents)),
    vscode.languages.registerCodeActionsProvider(selector, new PromptsCodeActionProvider(documents), { providedCodeActionKinds: PromptsCodeActionProvider.kinds }),
    vscode.languages.registerCodeLensProvider(selector, lenses),
    vscode.languages.registerFoldingRangeProvider(selector, structure),
    vscode.languages.registerDocumentSymbolProvider(selector, structure),
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, preview),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.languageId === LANGUAGE_ID) preview.sourceChanged(e.document.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('midjourney.defaults.parameters') || e.affectsConfiguration('midjourney.prompts.maxExpansion')) validator.revalidateAll();
    }),
    ...commands.register(),
  );
  deps.log.debug('prompts language registered');
}
