// Text helpers for "Enhance prompt": only the description is sent to the model; leading image URLs
// and trailing Midjourney parameters are kept exactly as written.
import type { AiAssistant, PromptKind } from './types';

export interface PromptParts {
  /** Leading image prompts (URLs or paths ending in an image extension), with their separator. */
  leading: string;
  description: string;
  /** ` --ar 16:9 --video ...` from the first parameter on, with its leading space. */
  params: string;
}

const LEADING_IMAGE = /^(?:(?:https?:\/\/\S+|\S+\.(?:png|jpe?g|webp|gif))\s+)+/i;

export function splitPrompt(text: string): PromptParts {
  const leading = LEADING_IMAGE.exec(text)?.[0] ?? '';
  const rest = text.slice(leading.length);
  const paramAt = rest.search(/(^|\s)--[a-z]/i);
  if (paramAt < 0) return { leading, description: rest.trim(), params: '' };
  return { leading, description: rest.slice(0, paramAt).trim(), params: ` ${rest.slice(paramAt).trim()}` };
}

export function promptKindOf(text: string): PromptKind {
  return /(^|\s)--video\b/i.test(text) ? 'video' : 'image';
}

/** Enhance only the description of a prompt line, keeping its image URLs and parameters. */
export async function enhancePromptLine(assistant: AiAssistant, text: string, signal?: AbortSignal): Promise<string> {
  const parts = splitPrompt(text.trim());
  if (!parts.description) return text;
  const rewritten = await assistant.enhancePrompt(parts.description, promptKindOf(text), signal);
  return `${parts.leading}${rewritten}${parts.params}`;
}

/**
 * The prompt around `line` in a `.prompts` file (one prompt per line, `\` continues it, `#` comments,
 * `@` directives): its first and last line, or undefined when the line holds no prompt.
 */
export function promptLinesAt(lines: readonly string[], line: number): { start: number; end: number } | undefined {
  const isPromptLine = (text: string | undefined) => text !== undefined && text.trim() !== '' && !/^\s*[#@]/.test(text);
  const continues = (text: string | undefined) => text !== undefined && /\\\s*$/.test(text);
  if (!isPromptLine(lines[line])) return undefined;
  let start = line;
  while (start > 0 && continues(lines[start - 1]) && isPromptLine(lines[start - 1])) start--;
  let end = line;
  while (continues(lines[end]) && isPromptLine(lines[end + 1])) end++;
  return { start, end };
}

/** Join continued lines into one prompt text (the `\` markers dropped). */
export function joinPromptLines(lines: readonly string[]): string {
  return lines.map((l) => l.replace(/\\\s*$/, '').trim()).join(' ').trim();
}
