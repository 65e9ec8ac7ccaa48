// Result downloads and saving with provenance.
export { MediaCache, createMediaCache, fileNameFor, extensionOf } from './cache';
export type { MediaCacheOptions } from './cache';
export { DEFAULT_OUTPUT_PATTERN, parametersOf, provenanceOf, renderPattern, sanitizeSegment, saveResults, slug } from './save';
export type { Provenance, SaveOptions, SavedFile } from './save';
