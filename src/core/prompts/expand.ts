// The public entry point used by the editor, `mj-studio check|expand|run`: a file's text in, the
// exact jobs it would send and its diagnostics out.
import { analyzeFile, type AnalyzeOptions, type ExpandedJob } from './analyze';
import type { PromptDiagnostic } from './diagnostics';

export type ExpandOptions = AnalyzeOptions;

/**
 * Expand a .prompts file into the jobs it would send. Prompts with errors contribute no jobs;
 * callers must still refuse to send anything while `diagnostics` holds an error. Jobs whose
 * `imagePaths` is set contain workspace paths that must be replaced by URLs first (`withImageUrls`).
 */
export function expandFile(text: string, options: ExpandOptions): { jobs: ExpandedJob[]; diagnostics: PromptDiagnostic[] } {
  const analysis = analyzeFile(text, options);
  return { jobs: analysis.jobs, diagnostics: analysis.diagnostics };
}

export function hasErrors(diagnostics: readonly PromptDiagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
