// The pure job state machine: which local state follows which event, and how an API job object
// (CONTRACT.md §3) is folded into a JobRecord. No I/O, no clock: `now` is passed in.
import type { ApiStatus, JobRecord, JobState, JobType, ResultAsset } from './model';
import { isTerminal } from './model';

/** The parts of an API job the engine reads; everything else in the Discord message is ignored. */
export interface ApiJobView {
  jobid: string;
  verb?: string;
  jobType?: string;
  status: string;
  created?: string;
  updated?: string;
  code?: number;
  error?: string;
  errorDetails?: string;
  request?: Record<string, unknown>;
  response?: Record<string, unknown>;
}

export type JobEvent =
  | { type: 'submit' }
  | { type: 'requeue' }
  | { type: 'api'; job: ApiJobView }
  | { type: 'fail'; reason: string; details?: string }
  | { type: 'lose'; reason: string }
  | { type: 'cancel'; reason?: string };

const API_STATUS_TO_STATE: Record<ApiStatus, JobState> = {
  created: 'running',
  started: 'running',
  progress: 'running',
  completed: 'completed',
  failed: 'failed',
  moderated: 'moderated',
};

/** The state an event leads to from `from`, or undefined when the event does not apply (ignored). */
export function nextState(from: JobState, event: JobEvent): JobState | undefined {
  if (isTerminal(from)) return undefined; // terminal states are final
  switch (event.type) {
    case 'submit':
      return from === 'queued' ? 'submitting' : undefined;
    case 'requeue':
      return from === 'submitting' ? 'queued' : undefined;
    case 'api': {
      if (from === 'queued') return undefined; // an API answer only follows a submission
      const status = normalizeStatus(event.job.status, event.job.error);
      return status === undefined ? undefined : API_STATUS_TO_STATE[status];
    }
    case 'fail':
      return 'failed';
    case 'lose':
      return from === 'queued' ? undefined : 'lost';
    case 'cancel':
      return 'cancelled';
  }
}

/** Maps the API's status (tolerating v2's `cancelled`) to ApiStatus. */
export function normalizeStatus(status: string, _error?: string): ApiStatus | undefined {
  switch (status) {
    case 'created':
    case 'started':
    case 'progress':
    case 'completed':
    case 'failed':
    case 'moderated':
      return status;
    case 'cancelled':
      return 'failed';
    default:
      return undefined;
  }
}

/**
 * Applies an event; returns the updated record, or the same record when the event is ignored
 * (e.g. a late progress event after completion).
 */
export function applyEvent(record: JobRecord, event: JobEvent, now: number): JobRecord {
  const state = nextState(record.state, event);
  if (state === undefined) return record;
  const next: JobRecord = { ...record, state, updatedAt: now };
  switch (event.type) {
    case 'submit':
      next.submittedAt = now;
      break;
    case 'requeue':
      break;
    case 'api':
      foldApiJob(next, event.job);
      break;
    case 'fail':
      next.reason = event.reason;
      next.reasonDetails = event.details;
      break;
    case 'lose':
      next.reason = event.reason;
      break;
    case 'cancel':
      next.reason = event.reason ?? 'Cancelled';
      break;
  }
  if (isTerminal(state)) {
    next.finishedAt = now;
    next.progress = state === 'completed' ? 100 : next.progress;
  }
  return next;
}

/** True when a cancelled job's API record says the user cancelled it (so it maps to `cancelled`). */
export function isUserCancellation(job: ApiJobView): boolean {
  return job.status === 'cancelled' || (job.status === 'failed' && /cancell?ed by user/i.test(job.error ?? ''));
}

function foldApiJob(next: JobRecord, job: ApiJobView): void {
  next.jobId = job.jobid;
  const status = normalizeStatus(job.status, job.error);
  if (status) next.apiStatus = status;
  if (job.jobType === 'image' || job.jobType === 'video') next.jobType = job.jobType;
  const channel = channelOfJobId(job.jobid);
  if (channel) next.channel = channel;
  const response = job.response ?? {};
  const percent = response.progress_percent;
  if (typeof percent === 'number' && Number.isFinite(percent)) next.progress = Math.max(next.progress ?? 0, Math.min(100, percent));
  const content = typeof response.content === 'string' ? response.content : undefined;
  const echoed = content ? echoedPromptOf(content) : undefined;
  if (echoed) next.echoedPrompt = echoed;
  if (status === 'completed') {
    next.buttons = stringArray(response.buttons);
    next.assets = assetsOf(response);
    const seed = seedOf(response, content);
    if (seed !== undefined) next.seed = seed;
    const described = describedPromptsOf(response);
    if (described) next.describedPrompts = described;
    if (response.settings && typeof response.settings === 'object') next.settings = { ...(response.settings as Record<string, unknown>) };
    const info = infoTextOf(response);
    if (info && next.verb === 'info') next.settings = { ...(next.settings ?? {}), info };
  }
  if (status === 'failed' || status === 'moderated') {
    next.reason = job.error ?? (status === 'moderated' ? 'Moderated' : 'Failed');
    next.reasonDetails = job.errorDetails;
    if (isUserCancellation(job)) next.state = 'cancelled';
  }
}

/** The channel id inside a v3 job id (`…-c<channel>-bot:midjourney`). */
export function channelOfJobId(jobId: string): string | undefined {
  return /-c(\d{5,25})-bot:/.exec(jobId)?.[1];
}

/** `image` / `video` from a job id's type letter, when present. */
export function jobTypeOfJobId(jobId: string): JobType | undefined {
  const letter = /^j\d{19}([iv])-/.exec(jobId)?.[1];
  return letter === 'i' ? 'image' : letter === 'v' ? 'video' : undefined;
}

/** The prompt as Midjourney echoed it: between the leading `**` and the last `** - <@` (§3.5). */
export function echoedPromptOf(content: string): string | undefined {
  if (!content.startsWith('**')) return undefined;
  const end = content.lastIndexOf('** - <@');
  return end > 2 ? content.slice(2, end) : undefined;
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function urlList(value: unknown): { id: number; url: string }[] {
  if (!Array.isArray(value)) return [];
  const out: { id: number; url: string }[] = [];
  for (const entry of value) {
    if (entry && typeof entry === 'object') {
      const { id, url } = entry as { id?: unknown; url?: unknown };
      if (typeof url === 'string') out.push({ id: typeof id === 'number' ? id : out.length + 1, url });
    }
  }
  return out;
}

/** Result assets: singles from imageUx, videos from videoUx, the grid from attachments[0] (§3.6). */
export function assetsOf(response: Record<string, unknown>): ResultAsset[] {
  const assets: ResultAsset[] = [];
  const attachments = Array.isArray(response.attachments) ? (response.attachments as unknown[]) : [];
  const grid = attachments[0];
  if (grid && typeof grid === 'object' && typeof (grid as { url?: unknown }).url === 'string') {
    assets.push({ index: 0, kind: 'grid', url: (grid as { url: string }).url });
  }
  for (const { id, url } of urlList(response.imageUx)) assets.push({ index: id, kind: 'image', url });
  for (const { id, url } of urlList(response.videoUx)) assets.push({ index: id, kind: 'video', url });
  // Seed and single results may only carry attachments (§15 #7): keep the rest as images.
  if (!assets.some((a) => a.kind !== 'grid')) {
    attachments.slice(1).forEach((attachment, i) => {
      const url = (attachment as { url?: unknown } | null)?.url;
      if (typeof url === 'string') assets.push({ index: i + 2, kind: 'image', url });
    });
  }
  return assets;
}

function seedOf(response: Record<string, unknown>, content: string | undefined): number | undefined {
  if (typeof response.seed === 'number') return response.seed;
  const nested = (response.seed as { value?: unknown } | undefined)?.value;
  if (typeof nested === 'number') return nested;
  const match = content ? /\*\*seed\*\*\s*(\d+)/i.exec(content) ?? /\bseed\s*(\d+)/i.exec(content) : null;
  return match ? Number(match[1]) : undefined;
}

function firstEmbed(response: Record<string, unknown>): { title?: unknown; description?: unknown } | undefined {
  const embeds = response.embeds;
  return Array.isArray(embeds) && embeds[0] && typeof embeds[0] === 'object' ? (embeds[0] as { title?: unknown; description?: unknown }) : undefined;
}

/** Describe results: four prompts numbered 1️⃣…4️⃣ in embeds[0].description (§3.6). */
export function describedPromptsOf(response: Record<string, unknown>): string[] | undefined {
  const description = firstEmbed(response)?.description;
  if (typeof description !== 'string' || !/1️⃣/.test(description)) return undefined;
  return description
    .split(/\s*[1-4]️⃣\s*/u)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

function infoTextOf(response: Record<string, unknown>): string | undefined {
  const embed = firstEmbed(response);
  if (embed && typeof embed.description === 'string') return typeof embed.title === 'string' ? `${embed.title}\n${embed.description}` : embed.description;
  return typeof response.content === 'string' && response.content ? response.content : undefined;
}
