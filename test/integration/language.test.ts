// The `prompts` language inside a real VS Code: diagnostics, completions, CodeLenses, quick fixes,
// hovers, symbols and the jobs preview, on the fixture files of test/fixtures/prompts/.
import * as assert from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';

function fixture(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(folder, 'a workspace folder is open');
  return folder.with({ path: path.posix.join(folder.path, '..', 'prompts', name) });
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function open(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  assert.equal(document.languageId, 'prompts');
  return document;
}

async function untitled(content: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument({ language: 'prompts', content });
  await vscode.window.showTextDocument(document);
  return document;
}

async function completionLabels(document: vscode.TextDocument, position: vscode.Position): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
  return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

interface StoreView { engine: { store: { all(): readonly { source?: { file: string; line: number } }[] } } }

describe('prompts language', () => {
  let api: StoreView;

  before(async () => {
    const extension = vscode.extensions.all.find((e) => e.packageJSON && (e.packageJSON as { name?: string }).name === 'midjourney-studio');
    assert.ok(extension, 'the extension is installed');
    api = (await extension.activate()) as StoreView;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('reports each problem of problems.prompts with its code and range', async () => {
    const document = await open(fixture('problems.prompts'));
    const diagnostics = await waitFor('diagnostics', () => {
      const d = vscode.languages.getDiagnostics(document.uri);
      return d.length >= 6 ? d : undefined;
    });
    const byCode = new Map(diagnostics.map((d) => [String(typeof d.code === 'object' ? d.code.value : d.code), d]));
    for (const code of ['missing-space', 'unknown-parameter', 'version-mismatch', 'requires-video', 'image-not-found', 'out-of-range']) {
      assert.ok(byCode.has(code), `missing ${code}`);
    }
    const glued = byCode.get('missing-space');
    assert.ok(glued);
    assert.equal(document.getText(glued.range), '--ar16:9');
    assert.equal(glued.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(glued.source, 'midjourney');
  });

  it('reports nothing for a clean file', async () => {
    const document = await open(fixture('clean.prompts'));
    await waitFor('the language to be active', () => (vscode.languages.getDiagnostics(document.uri).length === 0 ? true : undefined));
    // Give the debounced check time to publish anything it would.
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(vscode.languages.getDiagnostics(document.uri), []);
  });

  it('updates diagnostics as the text changes', async () => {
    const document = await untitled('a cat --s 100\n');
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((e) => e.replace(new vscode.Range(0, 10, 0, 13), '5000'));
    const diagnostics = await waitFor('out-of-range after the edit', () => {
      const d = vscode.languages.getDiagnostics(document.uri);
      return d.some((x) => x.code === 'out-of-range') ? d : undefined;
    });
    assert.equal(diagnostics.length, 1);
  });

  it('completes parameters after --, values after a parameter, directives after @', async () => {
    const document = await untitled('a cat --\na cat --motion \n@re\n');
    const params = await completionLabels(document, new vscode.Position(0, 8));
    for (const p of ['--ar', '--oref', '--video', '--sref']) assert.ok(params.includes(p), `missing ${p}`);
    const values = await completionLabels(document, new vscode.Position(1, 15));
    assert.ok(values.includes('low') && values.includes('high'), JSON.stringify(values));
    const directives = await completionLabels(document, new vscode.Position(2, 3));
    assert.ok(directives.includes('@repeat'), JSON.stringify(directives));
  });

  it('completes @var names inside {{', async () => {
    const document = await untitled('@var hero = a red fox\n{{\n');
    const names = await completionLabels(document, new vscode.Position(1, 2));
    assert.ok(names.includes('hero'), JSON.stringify(names));
  });

  it('finds workspace images next to the file and completes their paths', async () => {
    const document = await open(fixture('images.prompts'));
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(vscode.languages.getDiagnostics(document.uri), []);
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((e) => e.insert(new vscode.Position(3, 0), 'refs/'));
    const files = await completionLabels(document, new vscode.Position(3, 5));
    assert.ok(files.includes('cat.png'), JSON.stringify(files));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('shows Run all, Preview jobs, Run block and Imagine ×N lenses', async () => {
    const document = await open(fixture('clean.prompts'));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(titles.some((t) => t.includes('Run all (6 jobs)')), JSON.stringify(titles));
    assert.ok(titles.some((t) => t.includes('Preview jobs')), JSON.stringify(titles));
    assert.ok(titles.some((t) => t.includes('Run block (5 jobs)')), JSON.stringify(titles));
    const imagine = lenses.filter((l) => l.command?.command === 'midjourney.imaginePromptAtCursor');
    assert.deepEqual(imagine.map((l) => [l.range.start.line, l.command?.title.replace(/^\$\([\w~-]+\) /, '')]), [[5, 'Imagine ×4'], [6, 'Imagine'], [9, 'Imagine']]);
  });

  it('offers the quick fix of a diagnostic', async () => {
    const document = await open(fixture('problems.prompts'));
    const diagnostic = await waitFor('diagnostics', () => vscode.languages.getDiagnostics(document.uri).find((d) => d.code === 'missing-space'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, diagnostic.range);
    const fix = actions.find((a) => a.title === 'Insert a space: --ar 16:9');
    assert.ok(fix?.edit, JSON.stringify(actions.map((a) => a.title)));
  });

  it('explains a parameter on hover and lists blocks as symbols', async () => {
    const document = await open(fixture('clean.prompts'));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(5, 34));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /--c\*\* \(also --chaos\)/);
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', document.uri);
    assert.deepEqual(symbols.map((s) => s.name), ['castles', 'video']);
  });

  it('previews the jobs of a file with a count and an estimate', async () => {
    const source = fixture('clean.prompts');
    await open(source);
    await vscode.commands.executeCommand('midjourney.previewPromptsFile', source);
    const preview = await waitFor('the preview', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'midjourney-prompts-preview'));
    const text = preview.getText();
    assert.match(text, /\*\*6 jobs\*\* \(5 image, 1 video\)/);
    assert.match(text, /fast GPU-minutes/);
    assert.match(text, /a red castle on a hill --chaos 10 --ar 16:9 --v 7/);
  });

  it('refuses to send a prompt with errors', async () => {
    const source = fixture('problems.prompts');
    await open(source);
    const before = api.engine.store.all().length;
    await vscode.commands.executeCommand('midjourney.imaginePromptAtCursor', source, 1);
    assert.equal(api.engine.store.all().length, before, 'nothing was queued');
  });

  it('refuses to run a binary file as prompts (a NUL byte), sending nothing', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'prompts', content: 'a castle \u0000\u0001PNG on a cliff\n' });
    await vscode.window.showTextDocument(document);
    const before = api.engine.store.all().length;
    await vscode.commands.executeCommand('midjourney.runPromptsFile', document.uri);
    assert.equal(api.engine.store.all().length, before, 'nothing was queued');
  });

  it('sends a prompt from its lens and shows its live status until the results arrive', async () => {
    const source = fixture('single.prompts');
    const document = await open(source);
    await vscode.commands.executeCommand('midjourney.imaginePromptAtCursor', source, 1);
    const queued = api.engine.store.all().filter((j) => j.source?.line === 1 && j.source.file === document.uri.fsPath);
    assert.equal(queued.length, 1, 'one job with the prompt line as its source');
    const seen = new Set<string>();
    await waitFor('a lens saying "4 results"', () => {
      void vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri).then((lenses) => {
        for (const l of lenses) if (l.range.start.line === 1 && l.command?.command === '') seen.add(l.command.title);
      });
      return [...seen].some((t) => /\b4 results$/.test(t)) ? true : undefined;
    }, 90_000);
  });

  it('opens a new prompts file from the template', async () => {
    await vscode.commands.executeCommand('midjourney.newPromptsFile');
    const editor = await waitFor('the new file', () => (vscode.window.activeTextEditor?.document.languageId === 'prompts' && vscode.window.activeTextEditor.document.isUntitled ? vscode.window.activeTextEditor : undefined));
    assert.match(editor.document.getText(), /@defaults/);
  });
});
