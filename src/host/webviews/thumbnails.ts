// Small copies of downloaded images for the gallery tiles: decoded once (pngjs / jpeg-js), downscaled
// with an area average, written as JPEG next to nothing else, and reused while the source file is
// unchanged (the name is a hash of path, mtime and size). Work runs one image at a time in the
// background so a page of tiles never waits for it; until a copy exists the tile shows the original.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import type { Logger } from '../../core/ports';

export interface RgbaImage {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel. */
  data: Uint8Array;
}

/** Longest side of a thumbnail in pixels: two device pixels for the largest tile. */
export const THUMBNAIL_SIZE = 640;
/** Files smaller than this are served as they are: decoding them would save nothing. */
const SMALL_FILE_BYTES = 160 * 1024;

/** Decode a PNG or JPEG by its magic bytes. */
export function decodeImage(bytes: Uint8Array): RgbaImage {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { width: png.width, height: png.height, data: png.data };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 100, maxMemoryUsageInMB: 1024 });
    return { width: img.width, height: img.height, data: img.data };
  }
  throw new Error('not a PNG or JPEG file');
}

/** Target size that fits `maxSide` and keeps the aspect ratio; never upscales. */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Area-average downscale (every source pixel counts once), which avoids the aliasing of point sampling. */
export function downscale(src: RgbaImage, width: number, height: number): RgbaImage {
  const sums = new Float64Array(width * height * 4);
  const counts = new Uint32Array(width * height);
  const columnOf = new Uint32Array(src.width);
  for (let x = 0; x < src.width; x++) columnOf[x] = Math.min(width - 1, Math.floor((x * width) / src.width));
  for (let y = 0; y < src.height; y++) {
    const rowBase = Math.min(height - 1, Math.floor((y * height) / src.height)) * width;
    let srcOffset = y * src.width * 4;
    for (let x = 0; x < src.width; x++, srcOffset += 4) {
      const target = rowBase + columnOf[x];
      const t = target * 4;
      sums[t] += src.data[srcOffset];
      sums[t + 1] += src.data[srcOffset + 1];
      sums[t + 2] += src.data[srcOffset + 2];
      sums[t + 3] += src.data[srcOffset + 3];
      counts[target]++;
    }
  }
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i] || 1;
    for (let c = 0; c < 4; c++) data[i * 4 + c] = Math.round(sums[i * 4 + c] / n);
  }
  return { width, height, data };
}

/** Bytes of a JPEG thumbnail of an encoded PNG/JPEG image. */
export function makeThumbnail(bytes: Uint8Array, maxSide = THUMBNAIL_SIZE): Buffer {
  const image = decodeImage(bytes);
  const size = fitWithin(image.width, image.height, maxSide);
  const small = size.width === image.width && size.height === image.height ? image : downscale(image, size.width, size.height);
  return jpeg.encode({ width: small.width, height: small.height, data: small.data }, 82).data;
}

export { fileVersion } from './fileVersion';

export type ThumbnailLookup =
  /** The small copy exists. */
  | { kind: 'thumbnail'; path: string; version: string }
  /** Serve the source itself (small already, or it could not be decoded). */
  | { kind: 'original' }
  /** Being made; serve the source meanwhile and expect `onReady`. */
  | { kind: 'pending' }
  | { kind: 'missing' };

export class ThumbnailCache {
  private readonly known = new Map<string, ThumbnailLookup>();
  private readonly queue: { source: string; target: string; key: string }[] = [];
  private working = false;
  private disposed = false;

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
    /** Called (with the source path) when a thumbnail was written. */
    private readonly onReady: (sourcePath: string) => void,
    private readonly maxSide = THUMBNAIL_SIZE,
  ) {}

  lookup(sourcePath: string): ThumbnailLookup {
    let stat: { mtimeMs: number; size: number };
    try {
      stat = statSync(sourcePath);
    } catch {
      return { kind: 'missing' };
    }
    const key = createHash('sha1').update(`${sourcePath}\0${stat.mtimeMs}\0${stat.size}\0${this.maxSide}`).digest('hex').slice(0, 20);
    const known = this.known.get(key);
    if (known) return known;
    if (stat.size < SMALL_FILE_BYTES || !/\.(png|jpe?g)$/i.test(sourcePath)) return this.remember(key, { kind: 'original' });
    const target = join(this.dir, `${key}.jpg`);
    if (existsSync(target)) return this.remember(key, { kind: 'thumbnail', path: target, version: key });
    this.remember(key, { kind: 'pending' });
    this.queue.push({ source: sourcePath, target, key });
    this.pump();
    return { kind: 'pending' };
  }

  dispose(): void {
    this.disposed = true;
    this.queue.length = 0;
  }

  /** Resolves when the queue is empty (tests). */
  async idle(): Promise<void> {
    while (this.working || this.queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  private remember(key: string, lookup: ThumbnailLookup): ThumbnailLookup {
    if (this.known.size > 20_000) this.known.clear(); // bounded memo; lookups re-stat anyway
    this.known.set(key, lookup);
    return lookup;
  }

  private pump(): void {
    if (this.working || this.disposed) return;
    const next = this.queue.shift();
    if (!next) return;
    this.working = true;
    void this.make(next).finally(() => {
      this.working = false;
      // Yield between images so the extension host keeps answering.
      setImmediate(() => this.pump());
    });
  }

  private async make(job: { source: string; target: string; key: string }): Promise<void> {
    try {
      const bytes = await readFile(job.source);
      const thumbnail = makeThumbnail(bytes, this.maxSide);
      mkdirSync(this.dir, { recursive: true });
      const temporary = `${job.target}.${process.pid}.tmp`;
      await writeFile(temporary, thumbnail);
      await rename(temporary, job.target);
      this.known.set(job.key, { kind: 'thumbnail', path: job.target, version: job.key });
    } catch (error) {
      this.log.debug(`gallery: no thumbnail for ${job.source}: ${error instanceof Error ? error.message : String(error)}`);
      this.known.set(job.key, { kind: 'original' });
    }
    if (!this.disposed) this.onReady(job.source);
  }
}
