// Generates media/icon.png (128×128): a rounded gradient tile with a white sail and a spark.
// Usage: node make-icon.mjs <repo>   (needs pngjs from the repo's node_modules)
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
const repo = process.argv[2];
const { PNG } = createRequire(join(repo, 'package.json'))('pngjs');
const N = 128, SS = 4;
const png = new PNG({ width: N, height: N });
const lerp = (a, b, t) => a + (b - a) * t;
const stops = [[0, [41, 26, 112]], [0.55, [176, 48, 150]], [1, [248, 152, 72]]];
function gradient(t) {
  for (let i = 1; i < stops.length; i++) {
    if (t <= stops[i][0]) {
      const [t0, c0] = stops[i - 1], [t1, c1] = stops[i];
      const u = (t - t0) / (t1 - t0);
      return c0.map((c, k) => lerp(c, c1[k], u));
    }
  }
  return stops[stops.length - 1][1];
}
function insideRoundRect(x, y, r) {
  const cx = Math.min(Math.max(x, r), N - r), cy = Math.min(Math.max(y, r), N - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}
const sign = (p, a, b) => (p[0] - b[0]) * (a[1] - b[1]) - (a[0] - b[0]) * (p[1] - b[1]);
function inTri(p, a, b, c) {
  const d1 = sign(p, a, b), d2 = sign(p, b, c), d3 = sign(p, c, a);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}
// Main sail, jib, hull and a four-point spark.
const sail = [[60, 22], [60, 92], [22, 92]];
const jib = [[66, 34], [66, 92], [98, 92]];
function inHull(x, y) { return y >= 97 && y <= 106 && x >= 22 + (y - 97) * 0.9 && x <= 104 - (y - 97) * 0.9; }
function inSpark(x, y) {
  const cx = 96, cy = 30, r = 16, w = 3.2;
  const dx = Math.abs(x - cx), dy = Math.abs(y - cy);
  return (dx / w + dy / r <= 1) || (dx / r + dy / w <= 1);
}
for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
  let bg = 0, white = 0;
  let col = [0, 0, 0];
  for (let sy = 0; sy < SS; sy++) for (let sx = 0; sx < SS; sx++) {
    const px = x + (sx + 0.5) / SS, py = y + (sy + 0.5) / SS;
    if (!insideRoundRect(px, py, 26)) continue;
    bg++;
    const g = gradient((px + py) / (2 * N));
    col = col.map((c, k) => c + g[k]);
    if (inTri([px, py], ...sail) || inTri([px, py], ...jib) || inHull(px, py) || inSpark(px, py)) white++;
  }
  const i = (y * N + x) * 4;
  if (bg === 0) { png.data[i + 3] = 0; continue; }
  const g = col.map((c) => c / bg);
  const w = white / bg;
  const rgb = g.map((c) => Math.round(lerp(c, 255, w * 0.96)));
  png.data[i] = rgb[0]; png.data[i + 1] = rgb[1]; png.data[i + 2] = rgb[2];
  png.data[i + 3] = Math.round(255 * bg / (SS * SS));
}
writeFileSync(join(repo, 'media', 'icon.png'), PNG.sync.write(png));
// Two small test images for describe/blend in the integration workspace.
for (const [name, c] of [['red', [200, 40, 40]], ['blue', [40, 70, 200]]]) {
  const img = new PNG({ width: 64, height: 64 });
  for (let p = 0; p < 64 * 64; p++) { const x = p % 64, y = Math.floor(p / 64); img.data[p * 4] = c[0] * (0.6 + 0.4 * x / 64); img.data[p * 4 + 1] = c[1] + y; img.data[p * 4 + 2] = c[2]; img.data[p * 4 + 3] = 255; }
  writeFileSync(join(repo, 'test', 'fixtures', 'workspace', 'images', `${name}.png`), PNG.sync.write(img));
}
