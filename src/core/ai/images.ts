// Image bytes for the judge: the content type comes from the bytes themselves when they say it (the
// predecessor declared every image PNG, D-36), and cached files are read as they are.
import { readFile } from 'node:fs/promises';
import type { ResultAsset } from '../jobs/model';
import { AiError, type AiImage } from './types';

/** The image type the bytes announce, or undefined for unknown signatures. */
export function sniffImageType(bytes: Uint8Array): string | undefined {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'image/webp';
  return undefined;
}

/** Prefer what the bytes say; fall back to a declared image/* type. */
export function imageContentType(image: AiImage): string {
  const sniffed = sniffImageType(image.bytes);
  if (sniffed) return sniffed;
  const declared = image.contentType.split(';')[0].trim().toLowerCase();
  return declared.startsWith('image/') ? declared : 'image/jpeg';
}

/** Reads a result image from the media cache (for hosts whose cache stores files at `cachedPath`). */
export async function readCachedImage(asset: ResultAsset): Promise<AiImage> {
  if (!asset.cachedPath) throw new AiError('notAGrid', `Image ${asset.index} is not downloaded yet.`);
  const bytes = new Uint8Array(await readFile(asset.cachedPath));
  return { bytes, contentType: sniffImageType(bytes) ?? 'application/octet-stream' };
}

/** What the reader needs of the engine's MediaCache: download-or-reuse a URL, answer the file path. */
export interface MediaPathSource {
  get(url: string, signal?: AbortSignal): Promise<string>;
}

/** `readImage` for pickBestOfFour over the engine's media cache (`engine.media`). */
export function imageReaderFromCache(cache: MediaPathSource): (asset: ResultAsset, signal?: AbortSignal) => Promise<AiImage> {
  return async (asset, signal) => readCachedImage({ ...asset, cachedPath: await cache.get(asset.url, signal) });
}
