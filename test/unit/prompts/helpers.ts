import { analyzeFile, type AnalyzeOptions, type PromptDiagnostic } from '../../../src/core/prompts';

export const opts: AnalyzeOptions = { fileDir: '/ws/prompts', fileExists: () => true };

export function diagnose(text: string, options: Partial<AnalyzeOptions> = {}): PromptDiagnostic[] {
  return analyzeFile(text, { ...opts, ...options }).diagnostics;
}

export function codes(text: string, options: Partial<AnalyzeOptions> = {}): string[] {
  return diagnose(text, options).map((d) => d.code);
}

export function prompts(text: string, options: Partial<AnalyzeOptions> = {}): string[] {
  return analyzeFile(text, { ...opts, ...options }).jobs.map((j) => j.request.prompt);
}

/** Apply a diagnostic's quick fix to the text (edits applied from the end). */
export function applyFix(text: string, d: PromptDiagnostic): string {
  if (!d.fix) throw new Error(`no fix for ${d.code}`);
  const lines = text.split('\n');
  const starts: number[] = [];
  let at = 0;
  for (const l of lines) {
    starts.push(at);
    at += l.length + 1;
  }
  const edits = d.fix.edits.map((e) => ({ start: starts[e.line] + e.column, end: starts[e.endLine] + e.endColumn, text: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
