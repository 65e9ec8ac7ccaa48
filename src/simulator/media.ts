// Real, small media for finished jobs: procedurally drawn pictures (a palette and shapes seeded by a hash
// of the prompt, so every prompt looks different and the four quadrants differ) encoded as JPEG singles
// and PNG grids, plus tiny MP4s and an animated WebP preview from media/sim/. Pixels are scaled down
// (singles ≤ 512 px, grids ≤ 1024 px on the long side) to keep encoding fast; the job metadata still
// carries the real sizes. Encoded bytes are cached.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { hashString, Random } from './random';

const SINGLE_LONG_SIDE = 512;
const CACHE_LIMIT = 256;

/** Real pixel sizes of one V7 single image by aspect ratio (grids are twice as wide and high). */
const SINGLE_SIZES: Record<string, [number, number]> = {
  '1:1': [1024, 1024],
  '16:9': [1456, 816],
  '9:16': [816, 1456],
  '4:3': [1232, 928],
  '3:4': [928, 1232],
  '3:2': [1344, 896],
  '2:3': [896, 1344],
  '21:9': [1680, 720],
  '9:21': [720, 1680],
  '2:1': [1456, 728],
  '1:2': [728, 1456],
  '5:4': [1136, 912],
  '4:5': [912, 1136],
};

export interface Size {
  width: number;
  height: number;
}

/** `--ar W:H` / `--aspect W:H` of a prompt, default 1:1. */
export function aspectOf(prompt: string): string {
  const match = /--(?:ar|aspect)\s+(\d+)\s*:\s*(\d+)/i.exec(prompt);
  if (!match) return '1:1';
  const w = Number(match[1]);
  const h = Number(match[2]);
  return w > 0 && h > 0 ? `${w}:${h}` : '1:1';
}

/** Real size of one single image for an aspect ratio (table for common ratios, ~1 MP otherwise). */
export function singleSize(aspect: string): Size {
  const known = SINGLE_SIZES[aspect];
  if (known) return { width: known[0], height: known[1] };
  const [w, h] = aspect.split(':').map(Number);
  const ratio = Math.min(Math.max(w / h, 1 / 4), 4);
  const area = 1024 * 1024;
  const round16 = (n: number): number => Math.max(16, Math.round(n / 16) * 16);
  return { width: round16(Math.sqrt(area * ratio)), height: round16(Math.sqrt(area / ratio)) };
}

export function gridSize(aspect: string): Size {
  const single = singleSize(aspect);
  return { width: single.width * 2, height: single.height * 2 };
}

/** Pixel size actually rendered for a single (long side ≤ 512). */
function renderSize(real: Size, longSide = SINGLE_LONG_SIDE): Size {
  const scale = longSide / Math.max(real.width, real.height);
  return { width: Math.max(8, Math.round(real.width * scale)), height: Math.max(8, Math.round(real.height * scale)) };
}

type Rgb = [number, number, number];

function hslToRgb(h: number, s: number, l: number): Rgb {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): number => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

interface Shape {
  kind: 'circle' | 'rect' | 'band';
  x: number;
  y: number;
  r: number;
  w: number;
  h: number;
  color: Rgb;
  alpha: number;
}

/** RGBA pixels of quadrant `variant` (0..3) of a prompt. */
function drawPicture(seedText: string, salt: string, variant: number, size: Size): Buffer {
  const promptHash = hashString(seedText);
  const palette = new Random(promptHash);
  const baseHue = palette.between(0, 360);
  const spread = palette.between(25, 150);
  const colors: Rgb[] = [0, 1, 2, 3, 4].map((i) =>
    hslToRgb((baseHue + i * spread) % 360, palette.between(0.45, 0.9), palette.between(0.25, 0.75)),
  );
  const random = new Random(hashString(`${seedText}|${salt}`) ^ Math.imul(variant + 1, 0x9e3779b1));
  const angle = random.between(0, Math.PI * 2);
  const dx = Math.cos(angle);
  const dy = Math.sin(angle);
  const from = colors[variant % colors.length];
  const to = colors[(variant + 2) % colors.length];
  const { width, height } = size;
  const shapes: Shape[] = [];
  const shapeCount = random.int(5, 11);
  for (let i = 0; i < shapeCount; i++) {
    shapes.push({
      kind: random.pick(['circle', 'circle', 'rect', 'band'] as const),
      x: random.between(0, width),
      y: random.between(0, height),
      r: random.between(0.05, 0.3) * Math.max(width, height),
      w: random.between(0.1, 0.5) * width,
      h: random.between(0.1, 0.5) * height,
      color: colors[random.int(0, colors.length - 1)],
      alpha: random.between(0.35, 0.85),
    });
  }
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = Math.min(1, Math.max(0, 0.5 + ((x / width - 0.5) * dx + (y / height - 0.5) * dy)));
      let r = from[0] + (to[0] - from[0]) * t;
      let g = from[1] + (to[1] - from[1]) * t;
      let b = from[2] + (to[2] - from[2]) * t;
      for (const s of shapes) {
        let inside = false;
        if (s.kind === 'circle') inside = (x - s.x) ** 2 + (y - s.y) ** 2 < s.r * s.r;
        else if (s.kind === 'rect') inside = Math.abs(x - s.x) < s.w / 2 && Math.abs(y - s.y) < s.h / 2;
        else inside = Math.abs((y - s.y) + (x - s.x) * 0.4) < s.h / 6;
        if (inside) {
          r += (s.color[0] - r) * s.alpha;
          g += (s.color[1] - g) * s.alpha;
          b += (s.color[2] - b) * s.alpha;
        }
      }
      const o = (y * width + x) * 4;
      pixels[o] = r;
      pixels[o + 1] = g;
      pixels[o + 2] = b;
      pixels[o + 3] = 255;
    }
  }
  return pixels;
}

function encodePng(pixels: Buffer, size: Size): Buffer {
  const png = new PNG({ width: size.width, height: size.height });
  pixels.copy(png.data);
  return PNG.sync.write(png);
}

/** Where an image comes from: the text that seeds it, its aspect ratio, and which quadrant. */
export interface PictureSource {
  /** Seeds the palette: the same prompt keeps its colours across variations and upscales. */
  seedText: string;
  /** Seeds the shapes: a reroll or variation of the same prompt gets a new salt. */
  salt: string;
  aspect: string;
}

export class MediaStore {
  private readonly cache = new Map<string, Buffer>();
  private videoFiles: Buffer[] | undefined;
  private previewWebp: Buffer | undefined | null;

  /** `longSide`: pixels rendered on the long side of a single (default 512; smaller is cheaper for load tests). */
  constructor(
    private readonly mediaDir: string | undefined = findMediaDir(),
    private readonly longSide = SINGLE_LONG_SIDE,
  ) {}

  private cached(key: string, make: () => Buffer): Buffer {
    const hit = this.cache.get(key);
    if (hit) return hit;
    const bytes = make();
    if (this.cache.size >= CACHE_LIMIT) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, bytes);
    return bytes;
  }

  private pixels(source: PictureSource, variant: number): { pixels: Buffer; size: Size } {
    const size = renderSize(singleSize(source.aspect), this.longSide);
    return { pixels: drawPicture(source.seedText, source.salt, variant, size), size };
  }

  /** One single image as JPEG (`imageUx` / `0_N.jpeg`). */
  singleJpeg(source: PictureSource, variant: number): Buffer {
    return this.cached(`jpeg|${source.aspect}|${variant}|${source.salt}|${source.seedText}`, () => {
      const { pixels, size } = this.pixels(source, variant);
      return jpeg.encode({ data: pixels, width: size.width, height: size.height }, 82).data;
    });
  }

  /** One single image as PNG (the attachment of a U1–U4 or seed result). */
  singlePng(source: PictureSource, variant: number): Buffer {
    return this.cached(`png|${source.aspect}|${variant}|${source.salt}|${source.seedText}`, () => {
      const { pixels, size } = this.pixels(source, variant);
      return encodePng(pixels, size);
    });
  }

  /** The 2×2 grid PNG (the attachment of a grid result). */
  gridPng(source: PictureSource): Buffer {
    return this.cached(`grid|${source.aspect}|${source.salt}|${source.seedText}`, () => {
      const quadrants = [0, 1, 2, 3].map((v) => this.pixels(source, v));
      const q = quadrants[0].size;
      const size = { width: q.width * 2, height: q.height * 2 };
      const grid = Buffer.alloc(size.width * size.height * 4);
      quadrants.forEach(({ pixels }, index) => {
        const ox = (index % 2) * q.width;
        const oy = Math.floor(index / 2) * q.height;
        for (let y = 0; y < q.height; y++) {
          pixels.copy(grid, ((oy + y) * size.width + ox) * 4, y * q.width * 4, (y + 1) * q.width * 4);
        }
      });
      return encodePng(grid, size);
    });
  }

  /** A real playable MP4 (one of media/sim/video-*.mp4), chosen by the prompt. */
  video(seedText: string, index: number): Buffer | undefined {
    if (!this.videoFiles) {
      this.videoFiles = [];
      if (this.mediaDir) {
        for (let n = 1; n <= 9; n++) {
          const file = path.join(this.mediaDir, `video-${n}.mp4`);
          if (existsSync(file)) this.videoFiles.push(readFileSync(file));
        }
      }
    }
    if (this.videoFiles.length === 0) return undefined;
    return this.videoFiles[(hashString(seedText) + index) % this.videoFiles.length];
  }

  /** Animated WebP preview of a video result. */
  videoPreview(): Buffer | undefined {
    if (this.previewWebp === undefined) {
      const file = this.mediaDir ? path.join(this.mediaDir, 'preview.webp') : undefined;
      this.previewWebp = file && existsSync(file) ? readFileSync(file) : null;
    }
    return this.previewWebp ?? undefined;
  }
}

/** media/sim next to the sources (tsx: src/simulator → ../../media/sim) or the bundle (dist → ../media/sim). */
export function findMediaDir(): string | undefined {
  const candidates = [path.resolve(__dirname, '..', 'media', 'sim'), path.resolve(__dirname, '..', '..', 'media', 'sim')];
  return candidates.find((dir) => existsSync(path.join(dir, 'video-1.mp4')));
}
