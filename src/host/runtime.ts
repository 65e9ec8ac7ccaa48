// Loads dist/runtime.js (src/runtime.ts) on first use. Only types cross this line at build time, so
// esbuild keeps undici, zod and the image codecs out of dist/extension.js. Classes from the runtime are
// not the host bundle's: recognize its errors by shape (asApiError, isAiError), never by instanceof.
import type * as RuntimeModule from '../runtime';

export type Runtime = typeof RuntimeModule;

let loaded: Runtime | undefined;

export function loadRuntime(): Runtime {
  // From the bundle: the sibling dist/runtime.js. From source (unit tests under tsx): src/runtime.ts.
  const file = __filename.endsWith('.ts') ? '../runtime' : './runtime.js';
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load of a sibling bundle, by design
  loaded ??= require(file) as Runtime;
  return loaded;
}
