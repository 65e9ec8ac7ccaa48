// Live settings: read and validated once, re-read on every change of a `midjourney.*` setting.
import * as vscode from 'vscode';
import type { Logger } from '../core/ports';
import { BACKEND_SETTINGS, ENGINE_SETTINGS, readStudioConfig, type StudioConfig } from './configModel';

export interface ConfigChange {
  config: StudioConfig;
  /** True when apiBaseUrl or demoMode changed. */
  backendChanged: boolean;
  /** True when an engine option changed (poll interval, concurrency, downloads). */
  engineOptionsChanged: boolean;
}

export class StudioSettings implements vscode.Disposable {
  private value: StudioConfig;
  private readonly changed = new vscode.EventEmitter<ConfigChange>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly log: Logger) {
    this.value = this.read();
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('midjourney')) return;
      this.value = this.read();
      this.changed.fire({
        config: this.value,
        backendChanged: BACKEND_SETTINGS.some((s) => e.affectsConfiguration(s)),
        engineOptionsChanged: ENGINE_SETTINGS.some((s) => e.affectsConfiguration(s)),
      });
    });
  }

  get current(): StudioConfig {
    return this.value;
  }

  private read(): StudioConfig {
    const section = vscode.workspace.getConfiguration('midjourney');
    const { config, warnings } = readStudioConfig((key) => section.get(key));
    for (const w of warnings) this.log.warn(`Setting ignored: ${w}`);
    return config;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
