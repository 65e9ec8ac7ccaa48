// The job model every face of the product reads: the engine owns these records from "queued" to a
// terminal state; the tree, gallery, CodeLens and CLI only read them (through JobStore).

/** Local lifecycle. `running` covers the API's created/started/progress states. */
export type JobState =
  | 'queued'
  | 'submitting'
  | 'running'
  | 'completed'
  | 'moderated'
  | 'failed'
  | 'cancelled'
  | 'lost';

export const TERMINAL_STATES: ReadonlySet<JobState> = new Set(['completed', 'moderated', 'failed', 'cancelled', 'lost']);

export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.has(state);
}

/** The API's own job status (CONTRACT.md §3.3). */
export type ApiStatus = 'created' | 'started' | 'progress' | 'completed' | 'failed' | 'moderated';

export type Verb =
  | 'imagine' | 'button' | 'describe' | 'blend' | 'seed'
  | 'settings' | 'info' | 'fast' | 'relax' | 'turbo' | 'variability' | 'remix';

export type JobType = 'image' | 'video';

/** An image given to describe/blend: a URL, or bytes read from the workspace. */
export type ImageInput =
  | { kind: 'url'; url: string }
  | { kind: 'file'; path: string; name: string; contentType: string };

/** What the user asked for; the engine turns it into exactly one POST. */
export type JobRequest =
  | { verb: 'imagine'; prompt: string; channel?: string }
  | { verb: 'button'; parentJobId: string; button: string; prompt?: string; mask?: string }
  | { verb: 'seed'; parentJobId: string }
  | { verb: 'describe'; image: ImageInput; channel?: string }
  | { verb: 'blend'; images: ImageInput[]; dimensions?: 'Portrait' | 'Square' | 'Landscape'; channel?: string }
  | { verb: 'settings' | 'info' | 'fast' | 'relax' | 'turbo' | 'variability' | 'remix'; channel?: string };

/** Where a prompt came from, for provenance, CodeLens status and "reveal source". */
export interface JobSource {
  file: string; // absolute path or workspace-relative path
  line: number; // 0-based line of the prompt
  block?: string; // `### name` of the block
  gitCommit?: string;
  /** Output pattern from `@out`, if the file set one. */
  outPattern?: string;
}

export interface ResultAsset {
  /** 1..4 for singles/videos, 0 for the grid. */
  index: number;
  kind: 'grid' | 'image' | 'video';
  url: string;
  /** Path in the download cache once fetched. */
  cachedPath?: string;
}

/** What an AI assistant decided about a grid (opt-in AI assist): kept with the job, shown and saved. */
export interface AiDecision {
  /** Model that answered, as the endpoint named it. */
  model: string;
  reason: string;
  /** 1..4 when the model picked an image; absent for "no pick". */
  pickedIndex?: number;
  /** Epoch milliseconds. */
  at: number;
}

export interface JobRecord {
  /** Local id, stable from the moment the job is queued (also used as `replyRef`). */
  id: string;
  /** useapi job id, once the POST was accepted. */
  jobId?: string;
  request: JobRequest;
  verb: Verb;
  jobType?: JobType;
  state: JobState;
  apiStatus?: ApiStatus;
  /** 0–100 while rendering. */
  progress?: number;
  /** Channel that runs (or will run) the job. */
  channel?: string;
  /** Why the job failed / was moderated / was lost, in words a user understands. */
  reason?: string;
  reasonDetails?: string;
  /** Labels pressable via /jobs/button (the parent job's `response.buttons`). */
  buttons: string[];
  assets: ResultAsset[];
  /** Local id of the parent job for button/seed children. */
  parentId?: string;
  /** Label pressed on the parent to create this job. */
  parentButton?: string;
  seed?: number;
  /** Describe results. */
  describedPrompts?: string[];
  /** Settings-type results (`response.settings`). */
  settings?: Record<string, unknown>;
  /** Prompt as Midjourney echoed it (with account suffix), when known. */
  echoedPrompt?: string;
  source?: JobSource;
  /** The AI assistant's decision about this grid, when AI assist ran on it. */
  ai?: AiDecision;
  /** User-started jobs go ahead of batch jobs. */
  priority: 'user' | 'batch';
  /** Batch this job belongs to, if any. */
  batchId?: string;
  /** Position of the job within its batch (0-based), so a restarted run can tell which prompts were sent. */
  batchIndex?: number;
  createdAt: number;
  updatedAt: number;
  submittedAt?: number;
  finishedAt?: number;
}

/** The prompt text of a job, for display and search. */
export function promptOf(job: Pick<JobRecord, 'request'>): string {
  const r = job.request;
  switch (r.verb) {
    case 'imagine':
      return r.prompt;
    case 'button':
      return r.prompt ?? r.button;
    case 'describe':
      return r.image.kind === 'url' ? r.image.url : r.image.name;
    case 'blend':
      return r.images.map((i) => (i.kind === 'url' ? i.url : i.name)).join(' + ');
    default:
      return r.verb;
  }
}
