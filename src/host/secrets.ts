// Tokens live only in VS Code's SecretStorage (DESIGN rule 8). This wraps it with typed accessors,
// registers every token it sees with the log redactor, and reports changes — including changes made
// in another VS Code window, which SecretStorage.onDidChange delivers too.
import * as vscode from 'vscode';
import type { TokenSource } from '../core/ports';
import type { SecretRegistry } from '../core/redact';

export type TokenKind = 'useapi' | 'discord';

const KEYS: Record<TokenKind, string> = {
  useapi: 'midjourney.useapiToken',
  discord: 'midjourney.discordToken',
};

export class TokenStore implements TokenSource, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TokenKind>();
  /** Fires with the kind of token that was set or deleted (in this window or another one). */
  readonly onDidChangeToken = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private readonly forget = new Map<TokenKind, () => void>();

  constructor(
    private readonly storage: vscode.SecretStorage,
    private readonly redactor: SecretRegistry,
  ) {
    this.subscription = storage.onDidChange((e) => {
      const kind = (Object.keys(KEYS) as TokenKind[]).find((k) => KEYS[k] === e.key);
      if (kind) this.changed.fire(kind);
    });
  }

  async get(kind: TokenKind): Promise<string | undefined> {
    const value = await this.storage.get(KEYS[kind]);
    if (value) this.remember(kind, value);
    return value || undefined;
  }

  async set(kind: TokenKind, value: string): Promise<void> {
    const token = value.trim();
    this.remember(kind, token);
    await this.storage.store(KEYS[kind], token);
  }

  async delete(kind: TokenKind): Promise<void> {
    await this.storage.delete(KEYS[kind]);
  }

  async has(kind: TokenKind): Promise<boolean> {
    return (await this.get(kind)) !== undefined;
  }

  /** TokenSource for the engine: the useapi token. */
  getToken(): Promise<string | undefined> {
    return this.get('useapi');
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.onDidChangeToken((kind) => {
      if (kind === 'useapi') listener();
    });
  }

  private remember(kind: TokenKind, value: string): void {
    // Keep redacting old values too: they may still appear in a late log line.
    this.forget.set(kind, this.redactor.register(value));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
