// Download cache for results (CONTRACT.md §10): each URL is fetched once into a file named by the
// URL's hash, the cache is capped in bytes and evicts the least recently used files.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { ApiClient } from '../api/client';
import { BadRequestError } from '../api/errors';
import type { Logger } from '../ports';
import { silentLogger } from '../ports';

export interface MediaCacheOptions {
  cacheDir: string;
  /** Total size cap; least recently used files go first. Default 2 GiB. */
  maxCacheBytes?: number;
  /** Largest single download (videos included). Default 256 MiB. */
  maxDownloadBytes?: number;
  /** Downloads go through the client: the CDN proxy and the token only for the API origin. */
  client: Pick<ApiClient, 'download'>;
  logger?: Logger;
}

const KNOWN_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.mp4', '.webm']);

interface Entry {
  size: number;
  lastUsed: number;
}

export class MediaCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<string>>();
  private loaded: Promise<void> | undefined;
  private readonly maxCacheBytes: number;
  private readonly maxDownloadBytes: number;
  private readonly logger: Logger;

  constructor(private readonly options: MediaCacheOptions) {
    this.maxCacheBytes = options.maxCacheBytes ?? 2 * 1024 ** 3;
    this.maxDownloadBytes = options.maxDownloadBytes ?? 256 * 1024 ** 2;
    this.logger = options.logger ?? silentLogger;
  }

  get cacheDir(): string {
    return this.options.cacheDir;
  }

  /** The cache file for `url` (whether or not it exists yet). */
  pathFor(url: string): string {
    return join(this.options.cacheDir, fileNameFor(url));
  }

  /** Local path of `url`'s bytes, downloading them once. Concurrent calls share one download. */
  async get(url: string, signal?: AbortSignal): Promise<string> {
    checkUrl(url);
    await this.load();
    const name = fileNameFor(url);
    const path = join(this.options.cacheDir, name);
    const entry = this.entries.get(name);
    if (entry) {
      entry.lastUsed = Date.now();
      // mtime carries the LRU order across restarts
      await utimes(path, new Date(), new Date()).catch(() => this.entries.delete(name));
      if (this.entries.has(name)) return path;
    }
    let pending = this.inFlight.get(name);
    if (!pending) {
      pending = this.fetchInto(url, name, signal).finally(() => this.inFlight.delete(name));
      this.inFlight.set(name, pending);
    }
    return pending;
  }

  /** The cached path of `url` if it is already here. */
  async peek(url: string): Promise<string | undefined> {
    await this.load();
    const name = fileNameFor(url);
    return this.entries.has(name) ? join(this.options.cacheDir, name) : undefined;
  }

  /** Bytes currently held. */
  async size(): Promise<number> {
    await this.load();
    let total = 0;
    for (const entry of this.entries.values()) total += entry.size;
    return total;
  }

  private load(): Promise<void> {
    this.loaded ??= (async () => {
      await mkdir(this.options.cacheDir, { recursive: true });
      for (const name of await readdir(this.options.cacheDir)) {
        if (name.includes('.part-')) {
          await unlink(join(this.options.cacheDir, name)).catch(() => undefined); // an interrupted download
          continue;
        }
        const info = await stat(join(this.options.cacheDir, name)).catch(() => undefined);
        if (info?.isFile()) this.entries.set(name, { size: info.size, lastUsed: info.mtimeMs });
      }
    })();
    return this.loaded;
  }

  private async fetchInto(url: string, name: string, signal: AbortSignal | undefined): Promise<string> {
    const path = join(this.options.cacheDir, name);
    const partial = `${path}.part-${randomBytes(4).toString('hex')}`;
    const download = await this.options.client.download(url, { signal });
    // Destroying the body early makes undici emit an abort error on it; it must not go uncaught.
    download.body.on('error', () => undefined);
    if (download.contentLength !== undefined && download.contentLength > this.maxDownloadBytes) {
      download.body.destroy();
      throw new BadRequestError(`the file is ${Math.round(download.contentLength / 1048576)} MB, over the ${Math.round(this.maxDownloadBytes / 1048576)} MB download limit`);
    }
    let received = 0;
    const limit = this.maxDownloadBytes;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        if (received > limit) callback(new BadRequestError(`the download exceeded the ${Math.round(limit / 1048576)} MB limit`));
        else callback(null, chunk);
      },
    });
    try {
      await pipeline(download.body, counter, createWriteStream(partial), { signal });
      await rename(partial, path);
    } catch (error) {
      await unlink(partial).catch(() => undefined);
      throw error;
    }
    this.entries.set(name, { size: received, lastUsed: Date.now() });
    await this.evict(name);
    return path;
  }

  /** Drops least recently used files until the cache fits; never the file just added. */
  private async evict(keep: string): Promise<void> {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.size;
    if (total <= this.maxCacheBytes) return;
    const oldestFirst = [...this.entries.entries()].filter(([name]) => name !== keep).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [name, entry] of oldestFirst) {
      if (total <= this.maxCacheBytes) break;
      await unlink(join(this.options.cacheDir, name)).catch((error: unknown) => this.logger.debug(`evict ${name}: ${String(error)}`));
      this.entries.delete(name);
      total -= entry.size;
    }
  }
}

export function createMediaCache(options: MediaCacheOptions): MediaCache {
  return new MediaCache(options);
}

/** `<sha256 of the URL, 40 hex>` + the URL's extension when it is a known media type. */
export function fileNameFor(url: string): string {
  const hash = createHash('sha256').update(url).digest('hex').slice(0, 40);
  return hash + extensionOf(url);
}

export function extensionOf(url: string): string {
  let pathname = url;
  try {
    const parsed = new URL(url);
    pathname = parsed.pathname;
    // The CDN proxy carries the real URL in a query parameter.
    const inner = parsed.searchParams.get('cdnUrl');
    if (inner) pathname = new URL(inner).pathname;
  } catch {
    // not a URL: use the text as is
  }
  const match = /\.[A-Za-z0-9]{2,5}$/.exec(pathname);
  const ext = match ? match[0].toLowerCase() : '';
  return KNOWN_EXTENSIONS.has(ext) ? ext : '.bin';
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BadRequestError('not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new BadRequestError(`refusing to download a ${parsed.protocol} URL`);
}
