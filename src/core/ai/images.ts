// Image bytes for the judge: the content type comes from the bytes themselves when they say it (the
// predecessor declared every image PNG, D-36), and cached files are read as they are.
import { readFile } from 'node:fs/promises';
import type { JobStoreReader } from '../jobs/api';
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

/**
 * The engine downloads results after a job completes, so a grid judged right at completion may not
 * have its files yet: wait (up to `timeoutMs`) until the store shows the asset with a `cachedPath`.
 * Resolves with the asset as it was when the time is up (the reader then says what is missing).
 */
export function waitForCachedAsset(store: JobStoreReader, asset: ResultAsset, timeoutMs: number, signal?: AbortSignal): Promise<ResultAsset> {
  const cached = (): ResultAsset | undefined => {
    for (const job of store.all()) {
      const found = job.assets.find((a) => a.url === asset.url && a.cachedPath);
      if (found) return found;
    }
    return undefined;
  };
  if (asset.cachedPath) return Promise.resolve(asset);
  const now = cached();
  if (now) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const finish = (result: ResultAsset | Error) => {
      clearTimeout(timer);
      subscription.dispose();
      signal?.removeEventListener('abort', onAbort);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onAbort = () => finish(signal?.reason instanceof Error ? signal.reason : new DOMException('Aborted', 'AbortError'));
    const subscription = store.onDidChange((change) => {
      for (const job of change.upserted) {
        const found = job.assets.find((a) => a.url === asset.url && a.cachedPath);
        if (found) return finish(found);
      }
    });
    const timer = setTimeout(() => finish(asset), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
