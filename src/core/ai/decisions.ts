// Remembers every AI decision by local job id, so the provenance sidecar and the gallery can show
// which model picked what and why. Persisted through the KeyValueStore port.
import type { JobEngineApi } from '../jobs/api';
import type { KeyValueStore } from '../ports';
import type { AiDecision } from './types';

const PREFIX = 'midjourney.ai.decision.';

export interface AiDecisionStore {
  get(jobId: string): AiDecision | undefined;
  record(jobId: string, decision: AiDecision): Promise<void>;
  /** Local job ids that have a decision. */
  jobIds(): string[];
}

export function createAiDecisionStore(kv: KeyValueStore): AiDecisionStore {
  return {
    get: (jobId) => kv.get<AiDecision>(PREFIX + jobId),
    record: (jobId, decision) => kv.set(PREFIX + jobId, decision),
    jobIds: () => kv.keys().filter((k) => k.startsWith(PREFIX)).map((k) => k.slice(PREFIX.length)),
  };
}

/** Decisions kept on the engine's job records, so the sidecar, the gallery and the tree all see them. */
export function createEngineDecisionStore(engine: Pick<JobEngineApi, 'store' | 'annotate'>): AiDecisionStore {
  return {
    get: (jobId) => engine.store.get(jobId)?.ai,
    record: async (jobId, decision) => {
      await engine.annotate(jobId, { ai: decision });
    },
    jobIds: () => engine.store.all().filter((r) => r.ai !== undefined).map((r) => r.id),
  };
}

/** A KeyValueStore in memory, for the CLI without a state file and for tests. */
export function createMemoryKeyValueStore(): KeyValueStore {
  const values = new Map<string, unknown>();
  return {
    get: <T>(key: string) => values.get(key) as T | undefined,
    set: async (key, value) => {
      if (value === undefined) values.delete(key);
      else values.set(key, value);
    },
    keys: () => [...values.keys()],
  };
}
