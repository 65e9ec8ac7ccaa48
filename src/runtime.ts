// The heavy half of the extension — undici, zod, the image codecs — bundled to dist/runtime.js and
// required on first use (src/host/runtime.ts), so that activation loads none of it.
export { createJobEngine } from './core/jobs';
export { createOpenAiCompatibleAssistant } from './core/ai/openai-compatible';
export { createVscodeLmAssistant } from './host/ai/vscodeLm';
export { GalleryConnection } from './host/webviews/galleryConnection';
export { ThumbnailCache } from './host/webviews/thumbnails';
