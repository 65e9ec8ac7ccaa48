// Composition root: builds the object graph by hand and registers everything VS Code needs.
import type * as vscode from 'vscode';

export interface MidjourneyTestApi {
  readonly activatedAt: number;
}

export function activate(_context: vscode.ExtensionContext): MidjourneyTestApi {
  return { activatedAt: Date.now() };
}

export function deactivate(): void {
  // Nothing to tear down yet.
}
