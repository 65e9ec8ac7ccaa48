// A small in-memory JobEngineApi for the autopilot's flow tests: button presses create children that
// complete at once with the buttons CONTRACT.md §4 gives each job kind. The real engine + simulator
// test lives in autopilot-engine.test.ts.
import type { JobEngineApi, JobStoreReader } from '../../../src/core/jobs/api';
import type { JobRecord, JobRequest } from '../../../src/core/jobs/model';

export const GRID_BUTTONS = ['U1', 'U2', 'U3', 'U4', '🔄', 'V1', 'V2', 'V3', 'V4'];
export const SINGLE_BUTTONS = ['Upscale (Subtle)', 'Upscale (Creative)', 'Vary (Subtle)', 'Vary (Strong)', 'Animate (High motion)', 'Animate (Low motion)'];

export interface FakeEngine extends JobEngineApi {
  submitted: JobRequest[];
  addGrid(id: string, overrides?: Partial<JobRecord>): JobRecord;
  /** How a submitted button child ends (default completed). */
  childOutcome: (request: JobRequest) => Partial<JobRecord>;
}

export function createFakeEngine(): FakeEngine {
  const jobs = new Map<string, JobRecord>();
  let next = 1;
  const unused = () => Promise.reject(new Error('not used by the autopilot'));
  const store: JobStoreReader = {
    all: () => [...jobs.values()].reverse(),
    get: (id) => jobs.get(id),
    byJobId: (jobId) => [...jobs.values()].find((j) => j.jobId === jobId),
    children: (id) => [...jobs.values()].filter((j) => j.parentId === id),
    search: () => [],
    onDidChange: () => ({ dispose: () => undefined }),
  };
  const engine: FakeEngine = {
    store,
    submitted: [],
    childOutcome: () => ({}),
    addGrid(id, overrides = {}) {
      const job: JobRecord = {
        id,
        jobId: `j-${id}`,
        request: { verb: 'imagine', prompt: 'a red fox in snow --ar 3:2' },
        verb: 'imagine',
        jobType: 'image',
        state: 'completed',
        buttons: [...GRID_BUTTONS],
        assets: [
          { index: 0, kind: 'grid', url: `https://cdn.example/${id}/grid.png` },
          ...[1, 2, 3, 4].map((index) => ({ index, kind: 'image' as const, url: `https://cdn.example/${id}/0_${index - 1}.jpeg` })),
        ],
        priority: 'user',
        createdAt: 0,
        updatedAt: 0,
        ...overrides,
      };
      jobs.set(id, job);
      return job;
    },
    async submit(request) {
      engine.submitted.push(request);
      if (request.verb !== 'button') throw new Error('only buttons expected');
      const parent = store.byJobId(request.parentJobId);
      if (!parent) throw new Error(`unknown parent ${request.parentJobId}`);
      if (!parent.buttons.includes(request.button)) throw new Error(`parent ${parent.id} has no button ${request.button}`);
      const id = `child-${next++}`;
      const isVideo = request.button.startsWith('Animate');
      const child: JobRecord = {
        id,
        jobId: `j-${id}`,
        request,
        verb: 'button',
        jobType: isVideo ? 'video' : 'image',
        state: 'completed',
        buttons: isVideo ? ['Extend (High motion)', 'Extend (Low motion)'] : [...SINGLE_BUTTONS],
        assets: [],
        parentId: parent.id,
        parentButton: request.button,
        priority: 'user',
        createdAt: 0,
        updatedAt: 0,
        ...engine.childOutcome(request),
      };
      jobs.set(id, child);
      return child;
    },
    async waitFor(id) {
      const job = jobs.get(id);
      if (!job) throw new Error(`unknown job ${id}`);
      return job;
    },
    submitBatch: unused,
    cancel: unused,
    retry: unused,
    pauseQueue: () => undefined,
    resumeQueue: () => undefined,
    queuePaused: false,
    cancelQueue: unused,
    annotate: async (id, note) => {
      const job = jobs.get(id);
      if (!job) return undefined;
      const annotated = { ...job, ...note };
      jobs.set(id, annotated);
      return annotated;
    },
    clearHistory: unused,
    channels: () => [],
    refreshChannels: unused,
    onDidChangeChannels: () => ({ dispose: () => undefined }),
    configureAccount: unused,
    deleteAccount: unused,
    resetChannel: unused,
    onAlert: () => ({ dispose: () => undefined }),
    dispose: async () => undefined,
  };
  return engine;
}
