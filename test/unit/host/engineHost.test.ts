import * as assert from 'node:assert';
import type { ChannelState, EngineAlert, JobStoreChange } from '../../../src/core/jobs/api';
import type { JobRecord, JobRequest } from '../../../src/core/jobs/model';
import { silentLogger } from '../../../src/core/ports';
import type { Backend } from '../../../src/host/demo';
import { Emitter } from '../../../src/host/emitter';
import { EngineHost, type StartableJobEngine } from '../../../src/host/engineHost';

class FakeEngine implements StartableJobEngine {
  readonly jobs: JobRecord[] = [];
  readonly storeChanged = new Emitter<JobStoreChange>();
  readonly alerts = new Emitter<EngineAlert>();
  readonly channelsChanged = new Emitter<readonly ChannelState[]>();
  started = 0;
  disposed = 0;
  paused = false;
  constructor(readonly backend: Backend) {}
  readonly store = {
    all: () => this.jobs,
    get: (id: string) => this.jobs.find((j) => j.id === id),
    byJobId: (jobId: string) => this.jobs.find((j) => j.jobId === jobId),
    children: () => [],
    search: () => [],
    onDidChange: this.storeChanged.event,
  };
  async start(): Promise<void> {
    this.started++;
  }
  async submit(request: JobRequest): Promise<JobRecord> {
    const record: JobRecord = { id: `${this.backend.key}#${this.jobs.length}`, request, verb: request.verb, state: 'queued', buttons: [], assets: [], priority: 'user', createdAt: 0, updatedAt: 0 };
    this.jobs.push(record);
    this.storeChanged.fire({ upserted: [record], removed: [] });
    return record;
  }
  async submitBatch(): Promise<{ batchId: string; jobs: JobRecord[] }> {
    return { batchId: 'b', jobs: [] };
  }
  async waitFor(id: string): Promise<JobRecord> {
    return this.jobs.find((j) => j.id === id)!;
  }
  async cancel(): Promise<void> {}
  async retry(id: string): Promise<JobRecord> {
    return this.jobs.find((j) => j.id === id)!;
  }
  pauseQueue(): void {
    this.paused = true;
  }
  resumeQueue(): void {
    this.paused = false;
  }
  get queuePaused(): boolean {
    return this.paused;
  }
  async cancelQueue(): Promise<number> {
    return 0;
  }
  async annotate(): Promise<JobRecord | undefined> {
    return undefined;
  }

  async clearHistory(): Promise<number> {
    return 0;
  }
  channels(): readonly ChannelState[] {
    return [];
  }
  async refreshChannels(): Promise<readonly ChannelState[]> {
    return [];
  }
  onDidChangeChannels = this.channelsChanged.event;
  async configureAccount(): Promise<ChannelState> {
    throw new Error('not used');
  }
  async deleteAccount(): Promise<void> {}
  async resetChannel(): Promise<void> {}
  onAlert = this.alerts.event;
  async dispose(): Promise<void> {
    this.disposed++;
  }
}

describe('host/EngineHost', () => {
  it('builds nothing until first use, then one engine per backend', async () => {
    let backend: Backend = { kind: 'simulator', url: 'http://127.0.0.1:1', key: 'sim' };
    let resolved = 0;
    const built: FakeEngine[] = [];
    const host = new EngineHost(async () => (resolved++, backend), (b) => {
      const e = new FakeEngine(b);
      built.push(e);
      return e;
    }, silentLogger);
    assert.strictEqual(resolved, 0);
    assert.deepStrictEqual(host.store.all(), []);
    const changes: JobStoreChange[] = [];
    host.store.onDidChange((c) => changes.push(c));

    host.pauseQueue();
    const [a, b] = await Promise.all([host.submit({ verb: 'imagine', prompt: 'x' }), host.submit({ verb: 'imagine', prompt: 'y' })]);
    assert.strictEqual(built.length, 1, 'concurrent first uses share one engine');
    assert.strictEqual(built[0].started, 1);
    assert.ok(built[0].paused, 'a pause requested before the engine existed is applied');
    assert.deepStrictEqual(host.store.all().map((j) => j.id), [a.id, b.id]);
    assert.ok(changes.some((c) => c.upserted.some((j) => j.id === a.id)), 'store events are forwarded');

    backend = { kind: 'useapi', url: 'https://api.useapi.net', key: 'useapi' };
    await host.submit({ verb: 'imagine', prompt: 'z' });
    assert.strictEqual(built.length, 2);
    assert.strictEqual(built[0].disposed, 1, 'the old engine stops tracking');
    assert.ok(changes.some((c) => c.removed.includes(a.id)), 'views drop the old backend’s jobs');
    assert.strictEqual(host.currentBackend?.key, 'useapi');

    const alerts: EngineAlert[] = [];
    host.onAlert((x) => alerts.push(x));
    built[0].alerts.fire({ kind: 'unauthorized', message: 'old' });
    built[1].alerts.fire({ kind: 'unauthorized', message: 'new' });
    assert.deepStrictEqual(alerts.map((x) => x.kind === 'unauthorized' && x.message), ['new'], 'only the current engine’s alerts pass');

    await host.dispose();
    assert.strictEqual(built[1].disposed, 1);
  });

  it('stops serving the old engine when no backend is usable', async () => {
    let usable = true;
    const built: FakeEngine[] = [];
    const host = new EngineHost(async () => {
      if (!usable) throw new Error('no token');
      return { kind: 'simulator', url: 'http://127.0.0.1:1', key: 'sim' };
    }, (b) => {
      const e = new FakeEngine(b);
      built.push(e);
      return e;
    }, silentLogger);
    await host.submit({ verb: 'imagine', prompt: 'x' });
    usable = false;
    await assert.rejects(host.submit({ verb: 'imagine', prompt: 'y' }), /no token/);
    assert.strictEqual(built[0].disposed, 1);
    assert.strictEqual(host.currentBackend, undefined);
    assert.deepStrictEqual(host.store.all(), []);
  });
});
