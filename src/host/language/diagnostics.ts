// Debounced, cancellable validation: typing schedules a check; a newer edit cancels the pending one,
// so only the latest version of a document is ever analysed and published.
import * as vscode from 'vscode';
import type { PromptDiagnostic } from '../../core/prompts';
import type { PromptsDocuments } from './documents';

export const LANGUAGE_ID = 'prompts';
export const DIAGNOSTIC_SOURCE = 'midjourney';
const DEBOUNCE_MS = 250;

export function toRange(d: { line: number; column: number; endLine: number; endColumn: number }): vscode.Range {
  return new vscode.Range(d.line, d.column, d.endLine, d.endColumn);
}

export function toVsDiagnostic(d: PromptDiagnostic): vscode.Diagnostic {
  const severity = d.severity === 'error' ? vscode.DiagnosticSeverity.Error
    : d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
  const out = new vscode.Diagnostic(toRange(d), d.message, severity);
  out.code = d.code;
  out.source = DIAGNOSTIC_SOURCE;
  return out;
}

export class PromptsValidator implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly pending = new Map<string, { timer: ReturnType<typeof setTimeout>; cancel: vscode.CancellationTokenSource }>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly documents: PromptsDocuments) {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.validateNow(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.cancel(d.uri);
        this.collection.delete(d.uri);
        this.documents.forget(d.uri);
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.validateNow(d);
  }

  /** Re-check every open prompts document (settings changed). */
  revalidateAll(): void {
    this.documents.clear();
    for (const d of vscode.workspace.textDocuments) this.validateNow(d);
  }

  private validateNow(document: vscode.TextDocument): void {
    if (document.languageId !== LANGUAGE_ID) return;
    this.cancel(document.uri);
    this.publish(document);
  }

  private schedule(document: vscode.TextDocument): void {
    if (document.languageId !== LANGUAGE_ID) return;
    this.cancel(document.uri);
    const cancel = new vscode.CancellationTokenSource();
    const version = document.version;
    const timer = setTimeout(() => {
      this.pending.delete(document.uri.toString());
      // A newer edit or a closed document makes this run pointless.
      if (cancel.token.isCancellationRequested || document.isClosed || document.version !== version) return;
      this.publish(document);
      cancel.dispose();
    }, DEBOUNCE_MS);
    this.pending.set(document.uri.toString(), { timer, cancel });
  }

  private publish(document: vscode.TextDocument): void {
    const analysis = this.documents.get(document);
    this.collection.set(document.uri, analysis.diagnostics.map(toVsDiagnostic));
  }

  private cancel(uri: vscode.Uri): void {
    const key = uri.toString();
    const p = this.pending.get(key);
    if (!p) return;
    clearTimeout(p.timer);
    p.cancel.cancel();
    p.cancel.dispose();
    this.pending.delete(key);
  }

  dispose(): void {
    for (const key of [...this.pending.keys()]) this.cancel(vscode.Uri.parse(key));
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}
