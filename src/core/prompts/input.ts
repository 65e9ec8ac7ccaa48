// Guards on a .prompts file before it is parsed (and long before anything is sent): it must be text,
// and small enough that one file cannot turn into an unbounded, paid batch by accident.

/** Largest .prompts file accepted: ~10,000 ordinary prompts. Split larger runs into several files. */
export const MAX_PROMPTS_FILE_BYTES = 2 * 1024 * 1024;

/**
 * Why `bytes` cannot be a .prompts file (too large, binary, not UTF-8), in words that say what to do;
 * undefined when it can be read as text.
 */
export function promptsFileProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length > MAX_PROMPTS_FILE_BYTES) {
    return `the file is ${(bytes.length / 1048576).toFixed(1)} MB; a .prompts file may be at most ${MAX_PROMPTS_FILE_BYTES / 1048576} MB. Split it into smaller files.`;
  }
  if (bytes.includes(0)) return 'the file contains NUL bytes: it looks like a binary file (an image?), not a .prompts text file.';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'the file is not valid UTF-8 text. Save it as UTF-8.';
  }
  return undefined;
}
