// `mj-studio run --autopilot` (and `@autopilot` blocks): after each grid of the run completes, an AI model
// picks the best of its four images, the runner presses U<n> on it and, with --autopilot-animate, Animate
// on the upscaled single. The model comes from MJ_AI_MODEL / MJ_AI_KEY / MJ_AI_ENDPOINT (never a flag, so
// the key stays out of shell history); every decision is kept on the grid's record and its sidecar.
import { autopilotForJobs, type AutopilotJobOutcome } from '../core/ai/autopilot';
import { assistantFromEnv } from '../core/ai/config';
import { createEngineDecisionStore } from '../core/ai/decisions';
import { imageReaderFromCache } from '../core/ai/images';
import { AI_ENV } from '../core/ai/config';
import type { AiAssistant } from '../core/ai/types';
import type { Backend } from './backend';
import { CliUsageError } from './backend';

export interface CliAutopilot {
  /** Runs the pick on these jobs as each completes; resolves when all picks (and their presses) are sent. */
  run(ids: readonly string[]): Promise<AutopilotJobOutcome[]>;
}

/** The assistant from the environment, or a usage error that says which variable to set. */
export function cliAutopilot(backend: Backend, env: Record<string, string | undefined>, animate: boolean): CliAutopilot {
  const key = env[AI_ENV.key];
  if (key) backend.secrets.register(key);
  let assistant: AiAssistant;
  try {
    assistant = assistantFromEnv(env, backend.logger);
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
  const media = backend.engine.media;
  if (!media) throw new CliUsageError('--autopilot needs the download cache, which this backend has not configured.');
  return {
    run: (ids) =>
      autopilotForJobs(backend.engine, ids, assistant, {
        animate,
        readImage: imageReaderFromCache(media),
        decisions: createEngineDecisionStore(backend.engine),
        log: backend.logger,
      }),
  };
}
