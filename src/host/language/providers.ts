// Completion, hover, quick fixes, folding and document symbols: thin adapters from core's
// offset-based answers to VS Code's types.
import { readdirSync, type Dirent } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { completeAt, hoverAt, type CompletionCandidate, type PromptDiagnostic } from '../../core/prompts';
import { DIAGNOSTIC_SOURCE, toRange } from './diagnostics';
import { isLocalPath, type PromptsDocuments } from './documents';

const KIND: Record<CompletionCandidate['kind'], vscode.CompletionItemKind> = {
  directive: vscode.CompletionItemKind.Keyword,
  parameter: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.Value,
  name: vscode.CompletionItemKind.Variable,
  placeholder: vscode.CompletionItemKind.Field,
};

export class PromptsCompletionProvider implements vscode.CompletionItemProvider {
  constructor(private readonly documents: PromptsDocuments) {}

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    const analysis = this.documents.get(document);
    const candidates = completeAt(analysis, document.offsetAt(position));
    if (candidates.length === 0) return imagePathCompletions(document, position);
    return candidates.map((c, i) => {
      const item = new vscode.CompletionItem(c.label, KIND[c.kind]);
      item.insertText = c.insertText;
      item.range = new vscode.Range(document.positionAt(c.replaceStart), document.positionAt(c.replaceEnd));
      item.detail = c.detail;
      if (c.documentation) item.documentation = new vscode.MarkdownString(c.documentation);
      item.sortText = `${c.preferred === false ? '1' : '0'}${String(i).padStart(4, '0')}`;
      // After `--name ` offer the values at once.
      if (c.kind === 'parameter' && c.insertText.endsWith(' ')) item.command = { command: 'editor.action.triggerSuggest', title: 'Suggest values' };
      return item;
    });
  }
}

const IMAGE_FILE = /\.(png|jpe?g|webp|gif)$/i;
const MAX_PATH_ITEMS = 200;

/**
 * Workspace images where an image may go: a path being typed (`./`, `refs/`), or the value of
 * --sref/--oref/--cref/--end. Paths are relative to the .prompts file's folder.
 */
function imagePathCompletions(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
  if (!isLocalPath(document.uri)) return [];
  const before = document.lineAt(position.line).text.slice(0, position.character);
  const word = /(\S*)$/.exec(before)?.[1] ?? '';
  const afterRef = /--(?:sref|oref|cref|end)\s+$/.test(before.slice(0, before.length - word.length));
  if (!afterRef && !word.includes('/')) return [];
  if (word.startsWith('http') || word.startsWith('--')) return [];
  const typedDir = word.includes('/') ? word.slice(0, word.lastIndexOf('/') + 1) : '';
  const dir = path.resolve(path.dirname(document.uri.fsPath), typedDir);
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const range = new vscode.Range(position.line, position.character - word.length + typedDir.length, position.line, position.character);
  const items: vscode.CompletionItem[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || items.length >= MAX_PATH_ITEMS) continue;
    if (e.isDirectory()) {
      const item = new vscode.CompletionItem(e.name + '/', vscode.CompletionItemKind.Folder);
      item.range = range;
      item.command = { command: 'editor.action.triggerSuggest', title: 'Suggest files' };
      items.push(item);
    } else if (IMAGE_FILE.test(e.name)) {
      const item = new vscode.CompletionItem(e.name, vscode.CompletionItemKind.File);
      item.range = range;
      item.detail = 'workspace image (uploaded before sending)';
      items.push(item);
    }
  }
  return items;
}

export class PromptsHoverProvider implements vscode.HoverProvider {
  constructor(private readonly documents: PromptsDocuments) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const hover = hoverAt(this.documents.get(document), document.offsetAt(position));
    if (!hover) return undefined;
    return new vscode.Hover(new vscode.MarkdownString(hover.markdown), new vscode.Range(document.positionAt(hover.start), document.positionAt(hover.end)));
  }
}

export class PromptsCodeActionProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly documents: PromptsDocuments) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    if (ours.length === 0) return [];
    const analysis = this.documents.get(document);
    const actions: vscode.CodeAction[] = [];
    for (const vsDiag of ours) {
      const match = analysis.diagnostics.find((d) => d.fix && d.code === vsDiag.code && toRange(d).isEqual(vsDiag.range));
      if (match) actions.push(toAction(document, match, vsDiag));
    }
    return actions;
  }
}

function toAction(document: vscode.TextDocument, d: PromptDiagnostic, vsDiag: vscode.Diagnostic): vscode.CodeAction {
  const fix = d.fix as NonNullable<PromptDiagnostic['fix']>;
  const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
  const edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits) edit.replace(document.uri, toRange(e), e.newText);
  action.edit = edit;
  action.diagnostics = [vsDiag];
  action.isPreferred = true;
  return action;
}

export class PromptsStructureProvider implements vscode.FoldingRangeProvider, vscode.DocumentSymbolProvider {
  constructor(private readonly documents: PromptsDocuments) {}

  provideFoldingRanges(document: vscode.TextDocument): vscode.FoldingRange[] {
    const analysis = this.documents.get(document);
    const out: vscode.FoldingRange[] = [];
    for (const b of analysis.parsed.blocks) {
      const end = lastContentLine(document, b.line, b.endLine);
      if (end > b.line) out.push(new vscode.FoldingRange(b.line, end, vscode.FoldingRangeKind.Region));
    }
    for (const p of analysis.prompts) {
      if (p.node.endLine > p.node.line) out.push(new vscode.FoldingRange(p.node.line, p.node.endLine));
    }
    return out;
  }

  provideDocumentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
    const analysis = this.documents.get(document);
    const top: vscode.DocumentSymbol[] = [];
    let current: vscode.DocumentSymbol | undefined;
    const blocks = analysis.parsed.blocks;
    let next = 0;
    for (const p of analysis.prompts) {
      while (next < blocks.length && blocks[next].line < p.node.line) {
        const b = blocks[next++];
        const range = new vscode.Range(b.line, 0, lastContentLine(document, b.line, b.endLine), Number.MAX_SAFE_INTEGER);
        current = new vscode.DocumentSymbol(b.name || '(unnamed block)', '', vscode.SymbolKind.Namespace, document.validateRange(range),
          new vscode.Range(b.line, 0, b.line, document.lineAt(b.line).text.length));
        top.push(current);
      }
      const text = p.node.text.text;
      const range = new vscode.Range(document.positionAt(p.node.start), document.positionAt(p.node.end));
      const symbol = new vscode.DocumentSymbol(text.length > 60 ? text.slice(0, 59) + '…' : text, p.count === 1 ? '' : `×${p.count}`,
        vscode.SymbolKind.String, range, range);
      (current?.children ?? top).push(symbol);
    }
    while (next < blocks.length) {
      const b = blocks[next++];
      const r = new vscode.Range(b.line, 0, b.line, document.lineAt(b.line).text.length);
      top.push(new vscode.DocumentSymbol(b.name || '(unnamed block)', '', vscode.SymbolKind.Namespace, r, r));
    }
    return top;
  }
}

/** The block's last non-blank line, so folding keeps the blank line before the next header. */
function lastContentLine(document: vscode.TextDocument, start: number, end: number): number {
  let line = Math.min(end, document.lineCount - 1);
  while (line > start && document.lineAt(line).isEmptyOrWhitespace) line--;
  return line;
}
