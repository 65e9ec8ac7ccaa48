// The extension's log: a LogOutputChannel (level chosen by the user in VS Code) behind core's Logger
// port. Every line is redacted: token shapes always, and the exact tokens the user has entered.
import * as vscode from 'vscode';
import type { Logger } from '../core/ports';
import { redactValue, type SecretRegistry } from '../core/redact';

export class StudioLog implements Logger, vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;
  /** Redacted lines, kept only when a test asks for them (see `captureLines`). */
  private captured: string[] | undefined;

  constructor(private readonly secrets: SecretRegistry) {
    this.channel = vscode.window.createOutputChannel('Midjourney Studio', { log: true });
  }

  private line(message: string | Error, args: readonly unknown[]): string {
    const parts = [redactValue(message, this.secrets), ...args.map((a) => redactValue(a, this.secrets))];
    const text = parts.join(' ');
    this.captured?.push(text);
    return text;
  }

  trace(message: string, ...args: unknown[]): void {
    this.channel.trace(this.line(message, args));
  }
  debug(message: string, ...args: unknown[]): void {
    this.channel.debug(this.line(message, args));
  }
  info(message: string, ...args: unknown[]): void {
    this.channel.info(this.line(message, args));
  }
  warn(message: string, ...args: unknown[]): void {
    this.channel.warn(this.line(message, args));
  }
  error(message: string | Error, ...args: unknown[]): void {
    this.channel.error(this.line(message, args));
  }

  show(): void {
    this.channel.show(true);
  }

  /** Start keeping every (already redacted) line in memory; returns the live array. */
  captureLines(): readonly string[] {
    this.captured ??= [];
    return this.captured;
  }

  dispose(): void {
    this.channel.dispose();
  }
}
