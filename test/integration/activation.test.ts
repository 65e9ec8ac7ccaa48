// Activation is lazy (DESIGN rule 10), every contributed command is registered by someone, and tokens
// round-trip through SecretStorage.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { MidjourneyTestApi } from '../../src/extension';
import { EXTENSION_ID } from './helpers';


describe('activation', () => {
  // This suite's file sorts first, so no other suite has used the extension yet.
  it('is not active before use, and activates when a .prompts file opens', async () => {
    const ext = vscode.extensions.getExtension<MidjourneyTestApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    const wasActive = ext.isActive;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'demo.prompts'));
    assert.strictEqual(doc.languageId, 'prompts');
    await vscode.window.showTextDocument(doc);
    for (let i = 0; i < 100 && !ext.isActive; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(ext.isActive, 'opening a .prompts file activates the extension');
    assert.strictEqual(wasActive, false, 'nothing activated the extension before it was used');
    assert.ok(ext.exports.engine, 'activate returned the test API');
  });

  it('does not start a server or an engine during activation', async () => {
    const ext = vscode.extensions.getExtension<MidjourneyTestApi>(EXTENSION_ID);
    const api = await ext!.activate();
    // The Explorer is in front, not a Midjourney view: nothing has needed the engine yet.
    await new Promise((r) => setTimeout(r, 200));
    assert.strictEqual(api.backendStarted(), false, 'no engine and no simulator until first use');
    assert.deepStrictEqual(api.engine.channels(), []);
    assert.match(api.statusText(), /MJ/);
  });

  it('registers every command the manifest contributes', async () => {
    const ext = vscode.extensions.getExtension<MidjourneyTestApi>(EXTENSION_ID)!;
    await ext.activate();
    const contributed = (ext.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepStrictEqual(missing, [], `commands contributed but not registered: ${missing.join(', ')}`);
  });

  it('keeps tokens in SecretStorage: set, read back, delete', async () => {
    const api = await vscode.extensions.getExtension<MidjourneyTestApi>(EXTENSION_ID)!.activate();
    const discord = `${'MTIzNDU2Nzg5MDEyMzQ1Njc4'}.GaBcDe.${'x'.repeat(38)}`;
    await api.secrets.set('discord', discord);
    assert.strictEqual(await api.secrets.get('discord'), discord);
    await api.secrets.delete('discord');
    assert.strictEqual(await api.secrets.get('discord'), undefined);
  });

  it('Set API Token validates the format before saving, and Sign Out removes it', async () => {
    const api = await vscode.extensions.getExtension<MidjourneyTestApi>(EXTENSION_ID)!.activate();
    const config = vscode.workspace.getConfiguration('midjourney');
    // Keep the simulator as the backend while a token exists, so nothing tries useapi.net here.
    await config.update('demoMode', 'always', vscode.ConfigurationTarget.Global);
    try {
      const bad = await vscode.commands.executeCommand('midjourney.setApiToken', 'user:12-short');
      assert.strictEqual(bad, undefined);
      assert.strictEqual(await api.secrets.get('useapi'), undefined, 'a malformed token is not saved');
      assert.ok(api.notifications().some((n) => /too short/.test(n.message)), 'the user is told why');

      const token = 'user:4242-AbCdEfGhIjKlMnOpQrStU';
      assert.strictEqual(await vscode.commands.executeCommand('midjourney.setApiToken', token), true);
      assert.strictEqual(await api.secrets.get('useapi'), token);
      assert.strictEqual(await vscode.commands.executeCommand('midjourney.signOut', { confirmed: true }), true);
      assert.strictEqual(await api.secrets.get('useapi'), undefined);
    } finally {
      await config.update('demoMode', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
