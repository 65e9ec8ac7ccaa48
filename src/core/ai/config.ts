// Building an assistant outside VS Code (the CLI): endpoint, model and key from the environment.
import type { Logger } from '../ports';
import { createOpenAiCompatibleAssistant } from './openai-compatible';
import { AiError, type AiAssistant } from './types';

export const AI_ENV = { endpoint: 'MJ_AI_ENDPOINT', model: 'MJ_AI_MODEL', key: 'MJ_AI_KEY' } as const;

/**
 * The OpenAI-compatible assistant configured by MJ_AI_ENDPOINT (default https://api.openai.com/v1),
 * MJ_AI_MODEL (required) and MJ_AI_KEY (optional for local servers). Throws AiError('notConfigured').
 */
export function assistantFromEnv(env: Record<string, string | undefined>, log: Logger): AiAssistant {
  const endpoint = env[AI_ENV.endpoint]?.trim() || 'https://api.openai.com/v1';
  const model = env[AI_ENV.model]?.trim();
  if (!model) throw new AiError('notConfigured', `Set ${AI_ENV.model} (and ${AI_ENV.key}, ${AI_ENV.endpoint}) to use --autopilot.`);
  const key = env[AI_ENV.key]?.trim() || undefined;
  return createOpenAiCompatibleAssistant({ endpoint, model, getKey: async () => key, log });
}
