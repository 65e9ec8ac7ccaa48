// A stable cache-busting token of a file, kept apart from thumbnails.ts so that reading it does not load
// the image codecs (those load lazily with the rest of the runtime bundle).
import { statSync } from 'node:fs';

/** A stable cache-busting token of a file (as VS Code's media preview does): mtime and size. */
export function fileVersion(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return `${Math.floor(stat.mtimeMs).toString(36)}-${stat.size.toString(36)}`;
  } catch {
    return undefined;
  }
}
