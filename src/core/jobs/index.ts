// Public surface of the job engine.
export { JobEngine, createJobEngine } from './engine';
export type { JobEngineDeps, JobEngineOptions } from './engine';
export { JobStore } from './store';
export { JobScheduler, slotKindOf, ANY_CHANNEL } from './scheduler';
export type { SlotKind } from './scheduler';
export { applyEvent, nextState, channelOfJobId, jobTypeOfJobId, echoedPromptOf, assetsOf, describedPromptsOf } from './transitions';
export type { ApiJobView, JobEvent } from './transitions';
export { JOBS_KEY, loadJobRecords } from './persistence';
