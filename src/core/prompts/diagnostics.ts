// Diagnostic shapes: offset-based inside core, line/column-based at the public edge.
import type { LineIndex } from './text';

export type Severity = 'error' | 'warning' | 'info';

/** Every diagnostic code the checker emits (README lists them with examples). */
export type DiagnosticCode =
  | 'unknown-parameter' | 'missing-space' | 'em-dash' | 'missing-value' | 'invalid-value' | 'out-of-range'
  | 'text-after-parameters' | 'duplicate-parameter' | 'conflicting-parameters' | 'version-mismatch'
  | 'requires-video' | 'video-needs-start-frame' | 'not-for-video' | 'weight-without-reference'
  | 'use-repeat-directive' | 'image-not-found' | 'prompt-too-long' | 'empty-prompt' | 'too-many-jobs'
  | 'unbalanced-braces' | 'unknown-name' | 'recursive-template' | 'secret-in-file' | 'unknown-directive'
  | 'invalid-directive' | 'parameters-in-text-directive' | 'dangling-continuation' | 'legacy-model'
  | 'duplicate-block-name' | 'unknown-placeholder' | 'invalid-default';

export interface RawEdit { start: number; end: number; newText: string }

export interface RawDiagnostic {
  start: number;
  end: number;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  fix?: { title: string; edits: RawEdit[] };
}

export interface PromptEdit { line: number; column: number; endLine: number; endColumn: number; newText: string }

/** A quick fix: a title and the text edits that apply it. */
export interface PromptFix { title: string; edits: PromptEdit[] }

/** A problem in a .prompts file; lines and columns are 0-based, end exclusive. */
export interface PromptDiagnostic {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  fix?: PromptFix;
}

export function toPromptDiagnostic(d: RawDiagnostic, lines: LineIndex): PromptDiagnostic {
  const a = lines.position(d.start);
  const b = lines.position(Math.max(d.start, d.end));
  const out: PromptDiagnostic = { line: a.line, column: a.column, endLine: b.line, endColumn: b.column, severity: d.severity, code: d.code, message: d.message };
  if (d.fix) {
    out.fix = {
      title: d.fix.title,
      edits: d.fix.edits.map((e) => {
        const s = lines.position(e.start);
        const t = lines.position(e.end);
        return { line: s.line, column: s.column, endLine: t.line, endColumn: t.column, newText: e.newText };
      }),
    };
  }
  return out;
}
