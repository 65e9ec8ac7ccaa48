// The parse cache: one analysis per document version (and settings), shared by diagnostics,
// completion, hovers, quick fixes, CodeLenses, symbols and the preview.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { analyzeFile, type AnalyzeOptions, type FileAnalysis } from '../../core/prompts';

export interface LanguageSettings {
  defaults: () => string;
  maxExpansion: () => number;
}

interface CacheEntry {
  version: number;
  settingsKey: string;
  analysis: FileAnalysis;
}

/** A file the extension host can read with Node (`vscode-remote` URIs name files on the host's own machine). */
export function isLocalPath(uri: vscode.Uri): boolean {
  return uri.scheme === 'file' || uri.scheme === 'vscode-remote';
}

/** Options for analysing text that lives in `uri` (a file, an untitled document, any editor). */
export function analyzeOptionsFor(uri: vscode.Uri, settings: LanguageSettings): AnalyzeOptions {
  const folder = vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
  const workspaceRoot = folder && isLocalPath(folder.uri) ? folder.uri.fsPath : undefined;
  const isFile = isLocalPath(uri);
  return {
    file: isFile ? uri.fsPath : uri.toString(),
    fileDir: isFile ? path.dirname(uri.fsPath) : workspaceRoot ?? '/',
    workspaceRoot,
    fileExists: isFile || workspaceRoot ? (p: string) => existsSync(p) : undefined,
    defaults: settings.defaults(),
    maxExpansion: settings.maxExpansion(),
  };
}

export class PromptsDocuments {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(private readonly settings: LanguageSettings) {}

  /** The analysis of the document's current version, computed at most once per version. */
  get(document: vscode.TextDocument): FileAnalysis {
    const key = document.uri.toString();
    const settingsKey = `${this.settings.defaults()}\u0000${this.settings.maxExpansion()}`;
    const hit = this.cache.get(key);
    if (hit && hit.version === document.version && hit.settingsKey === settingsKey) return hit.analysis;
    // The previous version's results let an edit re-check only the prompts it touched.
    const previous = hit?.settingsKey === settingsKey ? hit.analysis : undefined;
    const analysis = analyzeFile(document.getText(), { ...analyzeOptionsFor(document.uri, this.settings), previous });
    this.cache.set(key, { version: document.version, settingsKey, analysis });
    return analysis;
  }

  forget(uri: vscode.Uri): void {
    this.cache.delete(uri.toString());
  }

  clear(): void {
    this.cache.clear();
  }
}
