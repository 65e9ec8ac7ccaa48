// The AI assist port: what the autopilot and the prompt enhancer need from a model, whatever serves it
// (an OpenAI-compatible endpoint, or VS Code's language models in the host).

export interface AiImage {
  bytes: Uint8Array;
  /** MIME type as served, e.g. image/jpeg or image/png (never assumed). */
  contentType: string;
}

/** A model's verdict on the four images of a grid. A failure is a `noPick` with its reason, never a guess. */
export type GridJudgement =
  | { kind: 'pick'; index: 1 | 2 | 3 | 4; reason: string; model: string }
  | { kind: 'noPick'; reason: string; model: string };

export type PromptKind = 'image' | 'video';

export interface AiAssistant {
  /**
   * Judge the four single images of a grid (in order 1..4) against their prompt.
   * Resolves with `noPick` on any model or transport failure; rejects only when `signal` aborts.
   */
  judgeGrid(images: readonly AiImage[], prompt: string, context?: string, signal?: AbortSignal): Promise<GridJudgement>;
  /** Rewrite a prompt's description; rejects with an AiError when no usable rewrite came back. */
  enhancePrompt(text: string, kind: PromptKind, signal?: AbortSignal): Promise<string>;
}

/** What the product remembers about one AI decision (provenance sidecar, gallery): kept on the job record. */
export type { AiDecision } from '../jobs/model';

export type AiErrorCode = 'notConfigured' | 'unauthorized' | 'http' | 'network' | 'timeout' | 'badReply' | 'refused' | 'notAGrid';

/** A typed failure whose message is safe to show and log (secrets already redacted). */
/** An AiError recognized by shape: the assistants load from the runtime bundle, whose classes are its own. */
export function isAiError(error: unknown): error is AiError {
  return error instanceof Error && error.name === 'AiError' && 'code' in error;
}

export class AiError extends Error {
  override readonly name = 'AiError';
  constructor(
    readonly code: AiErrorCode,
    message: string,
  ) {
    super(message);
  }
}
