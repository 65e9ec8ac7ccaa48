// Gallery bench: the real webview bundle in headless chromium against a fake host holding a store of
// 5,000 images (1,250 jobs of four). Prints the time from `ready` to the first painted page, DOM node
// counts, and frame times while scrolling to the end. Results are printed, never asserted.
//
//   npx tsx test/bench/gallery.bench.ts [--jobs 1250] [--screenshots <dir>] [--light]
//
// With --screenshots it also saves pictures of the grid, the lightbox and a light theme (a small
// store of 60 jobs) so the look can be checked without VS Code.
import * as esbuild from 'esbuild';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { chromium, type Page } from 'playwright-core';

const root = resolve(__dirname, '..', '..');
const args = process.argv.slice(2);
const argValue = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const JOBS = Number(argValue('--jobs') ?? 1250);
const SCREENSHOT_DIR = argValue('--screenshots');
const DEADLINE_MS = 120_000;

/** Colourful abstract pictures (plasma on a palette), so screenshots look like results. */
function makeImages(count: number, size: number): Buffer[] {
  const palettes = [
    [[20, 24, 82], [120, 60, 200], [255, 140, 120], [255, 230, 180]],
    [[8, 40, 40], [20, 120, 110], [200, 220, 140], [250, 250, 220]],
    [[40, 10, 20], [160, 30, 60], [250, 120, 50], [255, 220, 120]],
    [[10, 20, 40], [40, 90, 160], [120, 190, 230], [240, 245, 255]],
    [[30, 20, 10], [120, 80, 40], [210, 170, 110], [250, 235, 210]],
    [[15, 5, 35], [90, 20, 120], [230, 80, 170], [255, 200, 230]],
  ];
  const images: Buffer[] = [];
  for (let n = 0; n < count; n++) {
    const png = new PNG({ width: size, height: size });
    const palette = palettes[n % palettes.length];
    const fx = 2 + (n % 5), fy = 3 + (n % 3), phase = n * 1.7;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const u = x / size, v = y / size;
        const t = (Math.sin(u * fx + phase) + Math.sin(v * fy - phase) + Math.sin((u + v) * 4 + phase * 0.5) + Math.sin(Math.hypot(u - 0.5, v - 0.6) * 9 - phase)) / 8 + 0.5;
        const scaled = Math.max(0, Math.min(0.999, t)) * (palette.length - 1);
        const i = Math.floor(scaled), f = scaled - i;
        const o = (y * size + x) * 4;
        for (let c = 0; c < 3; c++) png.data[o + c] = Math.round(palette[i][c] * (1 - f) + palette[i + 1][c] * f);
        png.data[o + 3] = 255;
      }
    }
    images.push(PNG.sync.write(png));
  }
  return images;
}

/** The fake VS Code host, running in the page: answers the gallery's messages from generated jobs. */
const FAKE_HOST = String.raw`
(() => {
  const params = new URLSearchParams(location.search);
  const JOBS = Number(params.get('jobs'));
  const IMAGES = Number(params.get('images'));
  const words = ['a lighthouse on a cliff at dusk', 'neon koi fish in a rainy alley', 'paper origami city, isometric', 'portrait of an astronaut gardener', 'brutalist library in a misty forest', 'macro photo of frost on a leaf', 'retro-futurist train station', 'watercolor map of an imaginary island', 'a fox made of autumn leaves', 'glass greenhouse on the moon'];
  const styles = ['--ar 1:1', '--ar 16:9 --v 7', '--ar 2:3 --stylize 250', '--v 7 --chaos 20', '--ar 3:2 --raw'];
  const GRID_BUTTONS = ['U1','U2','U3','U4','🔄','V1','V2','V3','V4'];
  const SINGLE_BUTTONS = ['Upscale (Subtle)','Upscale (Creative)','Vary (Subtle)','Vary (Strong)','Vary (Region)','Zoom Out 2x','Zoom Out 1.5x','Custom Zoom','⬅️','➡️','⬆️','⬇️','Animate (High motion)','Animate (Low motion)'];
  const now = Date.now();
  const favourites = new Set();
  const extra = [];
  function img(n) { return '/img/' + (n % IMAGES) + '.png'; }
  function item(i) {
    const isChild = i % 5 === 4;
    const status = i === 0 ? 'running' : i === 5 ? 'moderated' : i === 7 ? 'failed' : 'completed';
    const prompt = i === 2 ? '<img src=x onerror=alert(1)> a harmless prompt' : words[i % words.length] + ', cinematic light ' + styles[i % styles.length];
    const assets = status === 'completed' ? (isChild ? [{ index: 1, kind: 'image', thumb: img(i * 4), full: img(i * 4) }] : [0,1,2,3].map((k) => ({ index: k + 1, kind: 'image', thumb: img(i * 4 + k), full: img(i * 4 + k) }))) : [];
    const it = {
      id: 'job-' + i, jobId: 'j' + (100000 + i) + '-mj', prompt, verb: isChild ? 'button' : 'imagine', status,
      assets, buttons: status === 'completed' ? (isChild ? SINGLE_BUTTONS : GRID_BUTTONS) : [],
      childIds: [], createdAt: now - i * 97000, updatedAt: now - i * 97000, favourite: favourites.has('job-' + i), video: false,
    };
    if (status === 'running') it.progress = 42;
    if (status === 'moderated') it.reason = 'Midjourney flagged this prompt (Invalid request: banned prompt detected).';
    if (status === 'failed') it.reason = 'The job failed: the service answered 500 three times.';
    if (isChild) { it.parentId = 'job-' + (i - 1); it.parentButton = 'U2'; it.seed = 1234567 + i; }
    if (i % 3 === 0) it.source = { file: '/work/prompts/scenes.prompts', line: i % 40, block: 'scene ' + (i % 7) };
    return it;
  }
  function all(i) { return i < extra.length ? extra[i] : item(i - extra.length); }
  function total() { return JOBS + extra.length; }
  const reply = (requestId, result) => send({ type: 'reply', requestId, ok: true, result });
  function send(data) { setTimeout(() => window.dispatchEvent(new MessageEvent('message', { data })), 0); }
  window.__bench = { pageRequests: 0, readyAt: 0, messages: [] };
  let state = undefined;
  window.acquireVsCodeApi = () => ({
    getState: () => state,
    setState: (s) => { state = s; },
    postMessage(message) {
      window.__bench.messages.push(message);
      if (message.type === 'ready') {
        window.__bench.readyAt = performance.now();
        // Watch frames: the first one after rows exist is the first painted page.
        const watch = () => {
          const rows = document.querySelectorAll('.job-row[data-index]');
          if (rows.length === 0) { requestAnimationFrame(watch); return; }
          if (!window.__bench.rowsAt) window.__bench.rowsAt = performance.now();
          const imgs = [...document.querySelectorAll('.job-row img')];
          if (imgs.length > 0 && imgs.every((i) => i.complete)) { window.__bench.imagesAt = performance.now(); return; }
          requestAnimationFrame(watch);
        };
        requestAnimationFrame(watch);
        send({ type: 'init', view: document.body.dataset.view, query: message.query, total: total(), items: Array.from({ length: Math.min(96, total()) }, (_, i) => all(i)), sourceFiles: ['/work/prompts/scenes.prompts'] });
        return;
      }
      const body = message.body;
      if (body.kind === 'page') {
        window.__bench.pageRequests++;
        const items = [];
        for (let i = body.offset; i < Math.min(total(), body.offset + body.limit); i++) items.push(all(i));
        reply(message.requestId, { kind: 'page', total: total(), offset: body.offset, items });
      } else if (body.kind === 'job') {
        const i = Number(body.id.slice(4));
        const it = all(i);
        const children = i % 5 === 3 ? [{ id: 'job-' + (i + 1), label: 'U2', status: 'completed', thumb: img((i + 1) * 4) }] : [];
        const parent = it.parentId ? { id: it.parentId, label: all(i - 1).prompt.slice(0, 60), status: 'completed', thumb: img((i - 1) * 4) } : undefined;
        reply(message.requestId, parent ? { kind: 'job', item: it, parent, children } : { kind: 'job', item: it, children });
      } else if (body.kind === 'locate') {
        reply(message.requestId, { kind: 'locate', index: Number(body.id.slice(4)) });
      } else if (body.kind === 'favourite') {
        if (body.favourite) favourites.add(body.id); else favourites.delete(body.id);
        reply(message.requestId, { kind: 'favourite', favourite: body.favourite });
      } else {
        reply(message.requestId, { kind: body.kind });
      }
    },
  });
})();
`;

const DARK_THEME = `html{--vscode-editor-background:#141417;--vscode-editor-foreground:#e4e4e8;--vscode-descriptionForeground:#9b9ba7;--vscode-button-background:#7c5cff;--vscode-button-foreground:#fff;--vscode-focusBorder:#7c5cff;--vscode-sideBar-background:#18181c;--vscode-input-background:#1e1e23;--vscode-dropdown-background:#1e1e23;--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;}`;
const LIGHT_THEME = `html{--vscode-editor-background:#ffffff;--vscode-editor-foreground:#1f2328;--vscode-descriptionForeground:#656d76;--vscode-button-background:#005fb8;--vscode-button-foreground:#fff;--vscode-focusBorder:#005fb8;--vscode-sideBar-background:#f7f7f8;--vscode-input-background:#fff;--vscode-input-border:#d0d7de;--vscode-dropdown-background:#fff;--vscode-dropdown-border:#d0d7de;--vscode-testing-iconPassed:#1a7f37;--vscode-errorForeground:#cf222e;--vscode-editorWarning-foreground:#9a6700;--vscode-progressBar-background:#0969da;--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;}`;

function pageHtml(view: string): string {
  // The same CSP shape as the extension's, with 'self' standing in for webview.cspSource.
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' data: blob:; media-src 'self'; style-src 'self'; script-src 'self'">
<link rel="stylesheet" href="/theme.css"><link rel="stylesheet" href="/gallery.css"></head>
<body data-view="${view}"><div id="app"></div><script src="/fakehost.js"></script><script src="/webview.js"></script></body></html>`;
}

async function startServer(bundle: string, images: Buffer[]): Promise<{ server: Server; url: string; setTheme: (css: string) => void }> {
  const css = readFileSync(join(root, 'media', 'gallery.css'));
  let theme = DARK_THEME;
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const send = (type: string, body: string | Buffer) => {
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (path === '/' || path === '/index.html') send('text/html', pageHtml('gallery'));
    else if (path === '/latest.html') send('text/html', pageHtml('latest'));
    else if (path === '/webview.js') send('text/javascript', bundle);
    else if (path === '/fakehost.js') send('text/javascript', FAKE_HOST);
    else if (path === '/gallery.css') send('text/css', css);
    else if (path === '/theme.css') send('text/css', theme);
    else if (path.startsWith('/img/')) send('image/png', images[Number(path.slice(5, -4)) % images.length]);
    else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}`, setTheme: (next) => { theme = next; } };
}

interface ScrollStats { frames: number; meanMs: number; p95Ms: number; maxMs: number; maxNodes: number; maxRows: number; lastIndex: number; seconds: number }

// Runs in the page (a string, so no transpiler helpers leak into it).
const SCROLL_TO_END = String.raw`(async () => {
  const scroller = document.querySelector('.scroller');
  const gaps = [];
  let maxNodes = 0, maxRows = 0;
  const started = performance.now();
  let last = started;
  await new Promise((done) => {
    const step = () => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
      maxNodes = Math.max(maxNodes, document.getElementsByTagName('*').length);
      maxRows = Math.max(maxRows, document.querySelectorAll('.job-row').length);
      if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2 || now - started > 60000) { done(); return; }
      scroller.scrollTop += 900; // a brisk fling: about three rows a frame
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
  await new Promise((r) => setTimeout(r, 300));
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const rows = [...document.querySelectorAll('.job-row[data-index]')].map((r) => Number(r.dataset.index));
  gaps.shift();
  const sorted = [...gaps].sort((a, b) => a - b);
  return {
    frames: gaps.length,
    meanMs: gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length),
    p95Ms: sorted[Math.floor(sorted.length * 0.95)] || 0,
    maxMs: sorted[sorted.length - 1] || 0,
    maxNodes, maxRows,
    lastIndex: rows.length ? Math.max(...rows) : -1,
    seconds: (performance.now() - started) / 1000,
  };
})()`;

async function scrollToEnd(page: Page): Promise<ScrollStats> {
  return page.evaluate<ScrollStats>(SCROLL_TO_END);
}

async function main(): Promise<void> {
  const killer = setTimeout(() => {
    console.error(`gallery bench: gave up after ${DEADLINE_MS / 1000} s`);
    process.exit(1);
  }, DEADLINE_MS);
  killer.unref();
  const built = await esbuild.build({
    entryPoints: [join(root, 'src', 'webview', 'main.ts')], bundle: true, format: 'iife', platform: 'browser', target: 'chrome120',
    minify: true, write: false, logLevel: 'warning',
  });
  const bundle = built.outputFiles[0].text;
  console.log(`webview bundle            ${(bundle.length / 1024).toFixed(1)} KiB (minified)`);
  const images = makeImages(16, 256);
  const { server, url, setTheme } = await startServer(bundle, images);
  const profile = mkdtempSync(join(tmpdir(), 'mj-gallery-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('dialog', (dialog) => {
      errors.push(`unexpected dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(`${url}/?jobs=${JOBS}&images=${images.length}`);
    await page.waitForSelector('.job-row[data-index="0"]');
    await page.waitForFunction('window.__bench.imagesAt > 0');
    const firstPaint = await page.evaluate<{ rowsMs: number; imagesMs: number; nodes: number; rows: number; images: number }>(`({
      rowsMs: window.__bench.rowsAt - window.__bench.readyAt,
      imagesMs: window.__bench.imagesAt - window.__bench.readyAt,
      nodes: document.getElementsByTagName('*').length,
      rows: document.querySelectorAll('.job-row').length,
      images: document.querySelectorAll('.job-row img').length,
    })`);
    console.log(`store                     ${JOBS} jobs, ${JOBS * 4} images (${(JOBS * 4).toLocaleString('en-US')} tiles max)`);
    console.log(`ready → first page rows   ${firstPaint.rowsMs.toFixed(1)} ms (first frame with rows in the DOM)`);
    console.log(`ready → images decoded    ${firstPaint.imagesMs.toFixed(1)} ms (${firstPaint.images} images in view)`);
    console.log(`DOM after first page      ${firstPaint.nodes} elements, ${firstPaint.rows} job rows`);
    const scroll = await scrollToEnd(page);
    const pageRequests = await page.evaluate<number>('window.__bench.pageRequests');
    console.log(`scroll to end             ${scroll.frames} frames in ${scroll.seconds.toFixed(2)} s; frame mean ${scroll.meanMs.toFixed(1)} ms, p95 ${scroll.p95Ms.toFixed(1)} ms, max ${scroll.maxMs.toFixed(1)} ms`);
    console.log(`DOM while scrolling       max ${scroll.maxNodes} elements, max ${scroll.maxRows} job rows; page requests ${pageRequests}`);
    console.log(`reached the end           last rendered row ${scroll.lastIndex} of ${JOBS - 1}${scroll.lastIndex === JOBS - 1 ? ' ✓' : ' ✗'}`);
    if (errors.length > 0) console.log(`page errors               ${errors.join(' | ')}`);

    if (SCREENSHOT_DIR) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.goto(`${url}/?jobs=60&images=${images.length}`);
      await page.waitForSelector('.job-row .notice');
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'bench-grid-dark.png') });
      await page.hover('.job-row[data-index="1"] .tile >> nth=1');
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'bench-grid-hover.png') });
      await page.click('.job-row[data-index="3"] .tile-open >> nth=1');
      await page.waitForSelector('.lightbox:not([hidden]) .lineage-card');
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'bench-lightbox-dark.png') });
      for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
      await page.waitForSelector('.lightbox .lb-section h3:text("Made from")');
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'bench-lightbox-single.png') });
      await page.click('.job-button[data-label="Vary (Region)"]');
      await page.waitForSelector('.mask-canvas');
      const box = await page.locator('.mask-canvas').boundingBox();
      if (box) {
        await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.4);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5, { steps: 8 });
        await page.mouse.up();
      }
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'bench-mask-editor.png') });
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      setTheme(LIGHT_THEME);
      await page.goto(`${url}/?jobs=60&images=${images.length}&light=1`);
      await page.waitForSelector('.job-row .notice');
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'bench-grid-light.png') });
      await page.click('.job-row[data-index="1"] .tile-open >> nth=0');
      await page.waitForSelector('.lightbox:not([hidden])');
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'bench-lightbox-light.png') });
      await page.setViewportSize({ width: 700, height: 900 });
      await page.keyboard.press('Escape');
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'bench-grid-narrow.png') });
      setTheme(DARK_THEME);
      await page.setViewportSize({ width: 320, height: 800 });
      await page.goto(`${url}/latest.html?jobs=60&images=${images.length}`);
      await page.waitForSelector('.job-row[data-index="0"]');
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'bench-latest-sidebar.png') });
      console.log(`screenshots               ${SCREENSHOT_DIR}`);
      if (errors.length > 0) console.log(`page errors               ${errors.join(' | ')}`);
    }
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
    clearTimeout(killer);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
