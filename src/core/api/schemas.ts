// Zod schemas for every body the useapi.net Midjourney v3 API returns (CONTRACT.md §2–§11), shared by
// the client (which parses every response with them) and the simulator (whose tests prove it emits
// only what these accept). Objects are loose: the real service returns whole Discord messages and may add
// fields at any time, so unknown keys pass; the fields a client relies on are required.
import { z } from 'zod';

/** Lenient job id pattern from CONTRACT.md §3.2 (not enforced by JobSchema; the client may check it). */
export const JOB_ID_PATTERN = /^j\d{19}[iv]?-u\d+-c\d{17,20}-bot:midjourney$/;

export const API_STATUSES = ['created', 'started', 'progress', 'completed', 'failed', 'moderated'] as const;
export const TERMINAL_API_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'moderated', 'cancelled']);

/** A job's `status`. `cancelled` is a v2 status: tolerated, never emitted by v3 (§3.3). */
export const JobStatusSchema = z.enum([...API_STATUSES, 'cancelled']);

export const DiscordUserSchema = z.looseObject({
  id: z.string(),
  username: z.string(),
  global_name: z.string().nullable().optional(),
  discriminator: z.string().optional(),
  avatar: z.string().nullable().optional(),
  bot: z.boolean().optional(),
});

/** `{id: 1..4, url}`: the four single images (`imageUx`) or videos (`videoUx`) of a result. */
export const MediaUxSchema = z.looseObject({
  id: z.number(),
  url: z.string(),
});

export const AttachmentSchema = z.looseObject({
  id: z.string(),
  filename: z.string(),
  url: z.string(),
  proxy_url: z.string().optional(),
  size: z.number().optional(),
  width: z.number().nullable().optional(),
  height: z.number().nullable().optional(),
  content_type: z.string().optional(),
});

export const EmbedSchema = z.looseObject({
  title: z.string().optional(),
  description: z.string().optional(),
  type: z.string().optional(),
  color: z.number().optional(),
  footer: z.looseObject({ text: z.string() }).optional(),
});

/** A Discord component: an action row (type 1) holding buttons (type 2). */
export const ComponentSchema = z.looseObject({
  type: z.number(),
  id: z.number().optional(),
  style: z.number().optional(),
  label: z.string().optional(),
  emoji: z.looseObject({ name: z.string().nullable().optional() }).optional(),
  custom_id: z.string().optional(),
  url: z.string().optional(),
  get components() {
    return z.array(ComponentSchema).optional();
  },
});

/** `response.settings` of settings-type jobs (CONTRACT.md §15 #6). Every key optional: only read. */
export const JobSettingsSchema = z.looseObject({
  version: z.string().optional(),
  stylize: z.number().optional(),
  raw: z.boolean().optional(),
  personalization: z.boolean().optional(),
  public: z.boolean().optional(),
  remix: z.boolean().optional(),
  variability: z.boolean().optional(),
  turbo: z.boolean().optional(),
  fast: z.boolean().optional(),
  relax: z.boolean().optional(),
  suffix: z.string().optional(),
});

/** `response`: the Midjourney bot's Discord message plus useapi's additions (§3.4). */
export const JobResponseSchema = z.looseObject({
  id: z.string().optional(),
  type: z.number().optional(),
  flags: z.number().optional(),
  content: z.string(),
  channel_id: z.string().optional(),
  timestamp: z.string().optional(),
  author: DiscordUserSchema.optional(),
  attachments: z.array(AttachmentSchema),
  embeds: z.array(EmbedSchema),
  components: z.array(ComponentSchema).optional(),
  mentions: z.array(DiscordUserSchema).optional(),
  nonce: z.string().optional(),
  // useapi additions
  buttons: z.array(z.string()).optional(),
  imageUx: z.array(MediaUxSchema).optional(),
  videoUx: z.array(MediaUxSchema).optional(),
  progress_percent: z.number().optional(),
  /** `{ "<button label>": "<child jobid>" }` (§15 #4). */
  children: z.record(z.string(), z.string()).optional(),
  /** `{ "U1": "<child jobid>", "seed": "<child jobid>" }` (§15 #4). */
  executeOnce: z.record(z.string(), z.string()).optional(),
  replyRef: z.string().optional(),
  settings: JobSettingsSchema.optional(),
  /** Seed jobs (§15 #7). */
  seed: z.number().optional(),
});

/** The job object of `GET /jobs/{jobid}`, `stream:false` POSTs, SSE `job` payloads and webhooks (§3). */
export const JobSchema = z.looseObject({
  jobid: z.string().min(1),
  /** `imagine`, `button`, … — kept as a string: a client must tolerate verbs it does not know. */
  verb: z.string(),
  jobType: z.enum(['image', 'video']).optional(),
  status: JobStatusSchema,
  created: z.string(),
  updated: z.string().optional(),
  code: z.number().optional(),
  error: z.string().optional(),
  errorDetails: z.string().optional(),
  /** Echo of the POST body (for button/seed jobs `jobId` is the parent). */
  request: z.looseObject({
    prompt: z.string().optional(),
    jobId: z.string().optional(),
    button: z.string().optional(),
    channel: z.string().optional(),
    replyUrl: z.string().optional(),
    replyRef: z.string().optional(),
    stream: z.boolean().optional(),
  }),
  response: JobResponseSchema.optional(),
});

const SSE_JOB_EVENTS = API_STATUSES.map((s) => `midjourney_${s}` as const);

export const SseInitializedEventSchema = z.looseObject({
  event: z.literal('initialized'),
  jobId: z.string(),
  message: z.string().optional(),
  seq: z.number(),
  ts: z.string(),
});

export const SseJobEventSchema = z.looseObject({
  event: z.enum(SSE_JOB_EVENTS as [(typeof SSE_JOB_EVENTS)[number], ...(typeof SSE_JOB_EVENTS)[number][]]),
  job: JobSchema,
  seq: z.number(),
  ts: z.string(),
});

export const SseErrorEventSchema = z.looseObject({
  event: z.literal('error'),
  error: z.string(),
  seq: z.number().optional(),
  ts: z.string().optional(),
});

/** One `data:` payload of a job POST's event stream (§5). */
export const SseEventSchema = z.discriminatedUnion('event', [SseInitializedEventSchema, SseJobEventSchema, SseErrorEventSchema]);

/** Account object of `POST/GET /accounts[/{channel}]` (§9.3). `error` is set while the channel is locked. */
export const AccountSchema = z.looseObject({
  discord: z.string(),
  channel: z.string(),
  maxJobs: z.number(),
  maxImageJobs: z.number(),
  maxVideoJobs: z.number(),
  replyUrl: z.string().optional(),
  error: z.string().optional(),
});

/** `GET /accounts`: accounts keyed by channel id. */
export const AccountsMapSchema = z.record(z.string(), AccountSchema);

export const RunningJobSchema = z.looseObject({
  jobId: z.string(),
  channel: z.string().optional(),
  jobType: z.enum(['image', 'video']).optional(),
  created: z.string().optional(),
  /** `mm:ss` */
  elapsed: z.string().optional(),
});

export const RunningChannelSchema = z.looseObject({
  total: z.number(),
  images: z.number(),
  videos: z.number(),
  maxJobs: z.number(),
  maxImageJobs: z.number(),
  maxVideoJobs: z.number(),
  jobs: z.array(RunningJobSchema),
});

/** `GET /jobs`: running jobs grouped by channel, with each channel's limits (§11). */
export const RunningJobsSchema = z.looseObject({
  total: z.number(),
  images: z.number(),
  videos: z.number(),
  channels: z.record(z.string(), RunningChannelSchema),
});

/** Error bodies (§8): always `error`; v2-style extras tolerated. */
export const ErrorBodySchema = z.looseObject({
  error: z.string(),
  code: z.number().optional(),
  errorDetails: z.string().optional(),
  channel: z.string().optional(),
  retry_after: z.number().optional(),
  executingJobs: z.array(z.unknown()).optional(),
});

export type JobStatus = z.infer<typeof JobStatusSchema>;
export type DiscordUser = z.infer<typeof DiscordUserSchema>;
export type MediaUx = z.infer<typeof MediaUxSchema>;
export type Attachment = z.infer<typeof AttachmentSchema>;
export type Embed = z.infer<typeof EmbedSchema>;
export type Component = z.infer<typeof ComponentSchema>;
export type JobSettings = z.infer<typeof JobSettingsSchema>;
export type JobResponse = z.infer<typeof JobResponseSchema>;
export type Job = z.infer<typeof JobSchema>;
export type SseInitializedEvent = z.infer<typeof SseInitializedEventSchema>;
export type SseJobEvent = z.infer<typeof SseJobEventSchema>;
export type SseErrorEvent = z.infer<typeof SseErrorEventSchema>;
export type SseEvent = z.infer<typeof SseEventSchema>;
export type Account = z.infer<typeof AccountSchema>;
export type AccountsMap = z.infer<typeof AccountsMapSchema>;
export type RunningJob = z.infer<typeof RunningJobSchema>;
export type RunningChannel = z.infer<typeof RunningChannelSchema>;
export type RunningJobs = z.infer<typeof RunningJobsSchema>;
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** `response.attachments[0].url` → `a.b[0].c` style path text. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text === '' ? '(root)' : text;
}

/**
 * One readable line per problem, each naming the field, e.g.
 * `response.attachments: Invalid input: expected array, received undefined`.
 */
export function describeZodError(error: z.ZodError, maxIssues = 5): string {
  const lines = error.issues.slice(0, maxIssues).map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`);
  if (error.issues.length > maxIssues) lines.push(`(+${error.issues.length - maxIssues} more)`);
  return lines.join('; ');
}

/** Parse or throw an Error whose message names `what` and the failing field paths. */
export function parseOrThrow<T extends z.ZodType>(schema: T, data: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(data);
  if (!result.success) throw new Error(`${what}: ${describeZodError(result.error)}`);
  return result.data;
}
