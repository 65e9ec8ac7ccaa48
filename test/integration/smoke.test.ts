import * as assert from 'node:assert';
import * as vscode from 'vscode';

describe('harness', () => {
  it('runs inside a real VS Code extension host with the workspace open', () => {
    assert.ok(vscode.version.startsWith('1.'));
    assert.ok(vscode.workspace.workspaceFolders?.[0]?.uri.path.endsWith('/test/fixtures/workspace'));
  });
});
