// The `midjourney.ai.*` settings, read fresh on every use so changes apply without a reload.
import * as vscode from 'vscode';

export type AiProvider = 'vscode-lm' | 'openai-compatible';

export interface AiSettings {
  enabled: boolean;
  provider: AiProvider;
  endpoint: string;
  model: string;
  autoAnimate: boolean;
}

export const AI_KEY_SECRET = 'midjourney.ai.key';

export function readAiSettings(): AiSettings {
  const config = vscode.workspace.getConfiguration('midjourney.ai');
  const provider = config.get<string>('provider');
  return {
    enabled: config.get<boolean>('enabled') === true,
    provider: provider === 'openai-compatible' ? 'openai-compatible' : 'vscode-lm',
    endpoint: (config.get<string>('endpoint') ?? '').trim(),
    model: (config.get<string>('model') ?? '').trim(),
    autoAnimate: config.get<boolean>('autoAnimate') === true,
  };
}

/** Local servers (Ollama, LM Studio, llama.cpp) usually need no key. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host === '::1';
  } catch {
    return false;
  }
}

/** Why the vscode-lm provider cannot pick: VS Code 1.100's language model API carries text only. */
export const VSCODE_LM_NO_IMAGES =
  'No pick: VS Code language models accept text only in this VS Code version, so they cannot look at images. Set "midjourney.ai.provider" to "openai-compatible" to judge grids.';
