import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { JobRecord } from '../../../src/core/jobs/model';
import { parametersOf, renderPattern, sanitizeSegment, saveResults } from '../../../src/core/media/save';

const JOB_ID = 'j1218072755113123456i-u1234-c1234567890123456789-bot:midjourney';

function completed(extra: Partial<JobRecord> = {}): JobRecord {
  return {
    id: 'local-1', jobId: JOB_ID, request: { verb: 'imagine', prompt: 'A red fox, in snow --ar 16:9 --v 7 --raw' }, verb: 'imagine', jobType: 'image',
    state: 'completed', buttons: ['U1'], assets: [
      { index: 0, kind: 'grid', url: 'https://cdn.discordapp.com/attachments/1/2/grid.png' },
      { index: 1, kind: 'image', url: 'https://cdn.midjourney.com/abc/0_0.jpeg' },
      { index: 2, kind: 'image', url: 'https://cdn.midjourney.com/abc/0_1.jpeg' },
    ],
    priority: 'batch', createdAt: Date.UTC(2026, 0, 2, 3, 4, 5), updatedAt: 0, submittedAt: Date.UTC(2026, 0, 2, 3, 4, 6), finishedAt: Date.UTC(2026, 0, 2, 3, 5, 0),
    source: { file: 'art/foxes.prompts', line: 4, block: 'Foxes / winter', gitCommit: 'abc1234' }, seed: 42,
    ...extra,
  };
}

describe('saveResults', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mj-save-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names files by the pattern, sanitized, and writes a provenance sidecar without secrets', async () => {
    const cached = join(dir, 'cached.jpeg');
    writeFileSync(cached, 'bytes');
    const fetched: string[] = [];
    const saved = await saveResults(completed(), {
      workspaceDir: dir, outputFolder: 'out', pattern: '{date}/{block}-{prompt}-{index}',
      cache: { get: async (url: string) => (fetched.push(url), cached) },
    });
    assert.deepEqual(saved.map((s) => relative(dir, s.path)), ['out/2026-01-02/Foxes-winter-a-red-fox-in-snow-1.jpeg', 'out/2026-01-02/Foxes-winter-a-red-fox-in-snow-2.jpeg']);
    assert.equal(fetched.length, 2, 'singles only; the grid is skipped when singles exist');
    const sidecar = JSON.parse(readFileSync(saved[0].sidecarPath, 'utf8')) as Record<string, unknown>;
    assert.equal(sidecar.prompt, 'A red fox, in snow --ar 16:9 --v 7 --raw');
    assert.deepEqual(sidecar.parameters, { ar: '16:9', v: '7', raw: true });
    assert.equal(sidecar.jobId, JOB_ID);
    assert.equal(sidecar.seed, 42);
    assert.deepEqual(sidecar.source, { file: 'art/foxes.prompts', line: 5, block: 'Foxes / winter', gitCommit: 'abc1234' });
    const sidecarText = readFileSync(saved[0].sidecarPath, 'utf8');
    assert.ok(!/user:\d+-|Bearer/.test(sidecarText), 'no token');
    assert.ok(!sidecarText.includes('cdn.midjourney.com'), 'no CDN URL: its GUID identifies the account');
    // saving again never overwrites
    const again = await saveResults(completed(), { workspaceDir: dir, outputFolder: 'out', pattern: '{date}/{block}-{prompt}-{index}', cache: { get: async () => cached } });
    assert.ok(again[0].path.endsWith('-1-2.jpeg'));
    assert.ok(existsSync(saved[0].path));
  });

  it('never escapes the output folder', () => {
    const name = renderPattern('../../{prompt}/../{index}', completed({ request: { verb: 'imagine', prompt: '../../etc/passwd' } }), { index: 1, kind: 'image', url: 'x' }, 0);
    assert.ok(!name.split(/[\\/]/).includes('..'));
    assert.equal(sanitizeSegment('CON'), '_CON');
    assert.equal(sanitizeSegment('..hidden'), 'hidden');
    assert.equal(sanitizeSegment('a/b\\c:d*e?'), 'a-b-c-d-e');
  });

  it('records the AI decision on the grid and on the upscaled child that came from it', async () => {
    const cached = join(dir, 'cached.jpeg');
    writeFileSync(cached, 'bytes');
    const ai = { model: 'fake-vision-1', reason: 'sharpest composition', pickedIndex: 2, at: Date.UTC(2026, 0, 2, 3, 6, 0) };
    const grid = completed({ ai });
    const child = completed({ id: 'local-2', verb: 'button', request: { verb: 'button', parentJobId: JOB_ID, button: 'U2' }, parentId: 'local-1', parentButton: 'U2',
      assets: [{ index: 1, kind: 'image', url: 'https://cdn.midjourney.com/def/0_0.jpeg' }] });
    const cache = { get: async () => cached };
    const [gridFile] = await saveResults(grid, { workspaceDir: dir, outputFolder: 'out', pattern: '{jobid}-{index}', cache });
    const [childFile] = await saveResults(child, { workspaceDir: dir, outputFolder: 'out', pattern: '{jobid}-{button}-{index}', cache, lineage: [grid] });
    const gridSidecar = JSON.parse(readFileSync(gridFile.sidecarPath, 'utf8')) as { ai: unknown };
    assert.deepEqual(gridSidecar.ai, { model: 'fake-vision-1', reason: 'sharpest composition', pickedIndex: 2, at: '2026-01-02T03:06:00.000Z' });
    const childSidecar = JSON.parse(readFileSync(childFile.sidecarPath, 'utf8')) as { ai?: unknown; parents: { ai?: unknown }[] };
    assert.equal(childSidecar.ai, undefined, 'the decision belongs to the grid');
    assert.deepEqual(childSidecar.parents[0].ai, { model: 'fake-vision-1', reason: 'sharpest composition', pickedIndex: 2 });
  });

  it('parses parameters', () => {
    assert.deepEqual(parametersOf('cat --ar 2:3 --no dogs cats --tile'), { ar: '2:3', no: 'dogs cats', tile: true });
  });
});
