// The simulated useapi.net Midjourney v3 service without HTTP: channels, jobs and their timelines,
// capacity, execute-once, the 596 lock, expiry, media registry, webhooks, faults and counters.
// CONTRACT.md §14 is the checklist this file follows; §15 the choices where no source settles a detail.
import { isoMs, minutesSeconds, type SimTime, type Timer } from './clock';
import { JOB_ID_FORMAT, makeJobId, redactDiscordToken, snowflake, stableSnowflake } from './ids';
import { aspectOf, gridSize, singleSize, type PictureSource, type Size } from './media';
import {
  actionRows,
  attachment,
  botMessage,
  describeText,
  ephemeralReply,
  errorEmbed,
  gridContent,
  promptSlug,
  rowsFor,
  type DiscordUser,
  type JsonObject,
  type ResultKind,
} from './messages';
import { hashString, Random } from './random';

export type ApiStatus = 'created' | 'started' | 'progress' | 'completed' | 'failed' | 'moderated';
export type JobType = 'image' | 'video';
type Speed = 'fast' | 'relax' | 'turbo';

export const SETTINGS_VERBS = ['settings', 'info', 'fast', 'relax', 'turbo', 'variability', 'remix'] as const;
export type SettingsVerb = (typeof SETTINGS_VERBS)[number];
export const JOB_VERBS = ['imagine', 'button', 'describe', 'blend', 'seed', ...SETTINGS_VERBS] as const;
export type JobVerb = (typeof JOB_VERBS)[number];

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Server-side timeout of a job without result (CONTRACT.md §3.3). */
export const JOB_TIMEOUT_MS = 14 * MINUTE;
/** `GET /jobs/{id}` answers 410 after this (§2 row 19). */
export const JOB_RETENTION_MS = 62 * DAY;
/** Renders never run into the 14-minute timeout, even in relax mode. */
const LONGEST_RENDER_MS = 12 * MINUTE;
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const PROGRESS_STEPS = [0, 15, 31, 46, 62, 78, 93];

/** A file part of a multipart body. */
export class UploadedFile {
  constructor(
    readonly filename: string,
    readonly contentType: string,
    readonly size: number,
    /** First bytes, enough to seed describe/blend results. */
    readonly head: Buffer,
  ) {}

  toJSON(): JsonObject {
    return { filename: this.filename, contentType: this.contentType, size: this.size };
  }
}

export type Body = Record<string, unknown>;

/** A failure answered as JSON (or with an empty body when `body` is undefined). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: JsonObject | undefined,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body?.error === 'string' ? body.error : `HTTP ${status}`);
  }
}

const badRequest = (error: string): HttpError => new HttpError(400, { error, code: 400 });

export interface ForcedOutcome {
  status: 'failed' | 'moderated';
  error: string;
  errorDetails?: string;
}

export interface SimulatorCounters {
  /** Requests per endpoint, e.g. `POST /jobs/imagine`, `GET /jobs/{id}`. */
  requests: Record<string, number>;
  /** Jobs created (execute-once repeats excluded). */
  acceptedJobs: number;
  /** Current status of every job the simulator knows. */
  jobsByState: Record<string, number>;
  /** Accepted jobs per `replyRef` value. */
  submissionsByReplyRef: Record<string, number>;
  /** `replyRef` values that were accepted more than once. */
  duplicateReplyRefs: string[];
  /** HTTP status of every answer outside /__sim/, e.g. `{"200": 9, "429": 2, "596": 1}`. */
  responsesByStatus: Record<string, number>;
  /** Faults the admin switches actually applied: `force429`, `5xx`, `resetBeforeAccept`, `resetAfterAccept`, `sseDropped`, `slowed`, `acceptedLate`. */
  faultsInjected: Record<string, number>;
}

interface Faults {
  force429: number;
  rate5xx: number;
  status5xx: number;
  resetBeforeAccept: number;
  resetAfterAccept: number;
  dropSse: { afterEvents: number; count: number; error?: string };
  slow: { ms: number; remaining: number };
  acceptLate: { ms: number; remaining: number };
  outcomes: { match: string; outcome: ForcedOutcome }[];
  paymentRequired: boolean;
  retryAfterSeconds: number | undefined;
  executingJobsIn429: boolean;
  webhookEnvelope: boolean;
}

function noFaults(): Faults {
  return {
    force429: 0,
    rate5xx: 0,
    status5xx: 503,
    resetBeforeAccept: 0,
    resetAfterAccept: 0,
    dropSse: { afterEvents: 0, count: 0 },
    slow: { ms: 0, remaining: 0 },
    acceptLate: { ms: 0, remaining: 0 },
    outcomes: [],
    paymentRequired: false,
    retryAfterSeconds: undefined,
    executingJobsIn429: false,
    webhookEnvelope: false,
  };
}

interface ChannelSettings {
  speed: Speed;
  remix: boolean;
  variability: boolean;
  suffix: string;
}

export interface Channel extends ChannelSettings {
  id: string;
  discordToken: string;
  user: DiscordUser;
  maxJobs: number;
  maxImageJobs: number;
  maxVideoJobs: number;
  replyUrl?: string;
  lockedReason?: string;
  running: Set<SimJob>;
}

/** What a finished job shows and serves. */
interface ResultPlan {
  kind: ResultKind | 'seed' | 'describe' | 'settings';
  picture: PictureSource;
  /** For single results: which quadrant of the parent (0..3). */
  quadrant: number;
  /** Upscales double the size. */
  sizeFactor: number;
  contentMiddle: string;
  /** U1–U4 number, for `Image #n`. */
  index: number;
}

type Ending = { type: 'complete' } | { type: 'moderated'; title: string; description: string } | { type: 'failed'; error: string; errorDetails: string } | { type: 'freeze' };

/** A subscriber to a job's state changes (an SSE stream). */
export interface JobSubscriber {
  onChange(job: SimJob): void;
}

export interface SimJob {
  jobid: string;
  digits: string;
  verb: JobVerb;
  jobType?: JobType;
  status: ApiStatus;
  createdMs: number;
  updatedMs?: number;
  code?: number;
  error?: string;
  errorDetails?: string;
  request: JsonObject;
  response?: JsonObject;
  channel: string;
  user: DiscordUser;
  replyUrl?: string;
  replyLevel: string;
  replyRef?: string;
  holdsSlot: boolean;
  steps: Timer[];
  timeout?: Timer;
  subscribers: Set<JobSubscriber>;
  children: Record<string, string>;
  executeOnce: Record<string, string>;
  /** Prompt as Midjourney echoes it in `content`. */
  echo: string;
  /** The prompt behind the result (a button child inherits its parent's, unless remixed): what forceOutcome matches. */
  prompt: string;
  speed: Speed;
  plan: ResultPlan;
  /** Kind of the finished result, for buttons pressed on it. */
  resultKind?: ResultPlan['kind'];
  /** Set on completed seed jobs. */
  seed?: number;
  /** The job's own generator: its timings and result ids do not depend on other jobs. */
  random: Random;
  /** Quota the job counts against while running: its jobType; seed jobs count as images (§15 #12). */
  slotType?: JobType;
}

/** Media served for a GUID (`cdn.midjourney.com/<GUID>/...`). */
export interface MediaEntry {
  picture: PictureSource;
  /** `0_i.jpeg` → variant `variants[i]` of the picture. */
  variants: number[];
  videos: number;
}

/** Bytes behind a Discord-style attachment URL. */
export interface AttachmentEntry {
  kind: 'grid-png' | 'single-png' | 'video-preview' | 'video-mp4';
  picture: PictureSource;
  variant: number;
  expiresSec: number;
}

export interface ServiceOptions {
  time: SimTime;
  random: Random;
  origin: () => string;
  accounts: number;
  maxJobs?: number;
  maxImageJobs?: number;
  maxVideoJobs?: number;
  promoFooterRate: number;
  acceptedTokens?: string[];
}

const SPEED_WORD: Record<Speed, string> = { fast: 'fast', relax: 'relaxed', turbo: 'turbo' };

/** Fake Discord token of a pre-configured channel (≥ 50 characters, obviously not real). */
export function demoDiscordToken(n: number): string {
  return `SIM${n}.simulator-fake-discord-token.not-a-real-account-${String(n).padStart(4, '0')}`;
}

export class MidjourneyService {
  readonly channels = new Map<string, Channel>();
  readonly jobs = new Map<string, SimJob>();
  readonly media = new Map<string, MediaEntry>();
  readonly attachments = new Map<string, AttachmentEntry>();
  faults: Faults = noFaults();
  private requestCounts: Record<string, number> = {};
  private statusCounts: Record<string, number> = {};
  private faultCounts: Record<string, number> = {};
  private acceptedJobs = 0;
  private replyRefCounts: Record<string, number> = {};

  constructor(private readonly options: ServiceOptions) {
    this.configureDemoChannels();
  }

  private get time(): SimTime {
    return this.options.time;
  }

  private get random(): Random {
    return this.options.random;
  }

  private configureDemoChannels(): void {
    const maxJobs = this.options.maxJobs ?? 3;
    for (let n = 1; n <= this.options.accounts; n++) {
      this.addChannel(demoDiscordToken(n), {
        maxJobs,
        maxImageJobs: this.options.maxImageJobs ?? Math.min(maxJobs, 12),
        maxVideoJobs: this.options.maxVideoJobs ?? Math.min(maxJobs, 12),
      });
    }
  }

  private addChannel(discordToken: string, limits: { maxJobs: number; maxImageJobs: number; maxVideoJobs: number; replyUrl?: string }): Channel {
    const id = stableSnowflake(`channel:${discordToken}`);
    const channel: Channel = {
      id,
      discordToken,
      user: { id: stableSnowflake(`user:${discordToken}`), username: 'mj-user', globalName: 'MJ User', avatar: stableSnowflake(`avatar:${discordToken}`).padEnd(32, '0').slice(0, 32) },
      ...limits,
      speed: 'fast',
      remix: false,
      variability: false,
      suffix: '',
      running: new Set(),
    };
    this.channels.set(id, channel);
    return channel;
  }

  // ---------------------------------------------------------------- auth, counters, faults

  /** The useapi user number of a valid token, or undefined (→ 401). */
  authenticate(authorization: string | undefined): string | undefined {
    const match = /^Bearer\s+(user:(\d+)-[A-Za-z0-9]+)\s*$/.exec(authorization ?? '');
    if (!match) return undefined;
    if (this.options.acceptedTokens && !this.options.acceptedTokens.includes(match[1])) return undefined;
    return match[2];
  }

  countRequest(endpoint: string): void {
    this.requestCounts[endpoint] = (this.requestCounts[endpoint] ?? 0) + 1;
  }

  countStatus(status: number): void {
    this.statusCounts[status] = (this.statusCounts[status] ?? 0) + 1;
  }

  /** A fault switch fired once (for the fault-injection suite's figures). */
  countFault(name: string): void {
    this.faultCounts[name] = (this.faultCounts[name] ?? 0) + 1;
  }

  counters(): SimulatorCounters {
    const jobsByState: Record<string, number> = {};
    for (const job of this.jobs.values()) jobsByState[job.status] = (jobsByState[job.status] ?? 0) + 1;
    return {
      requests: { ...this.requestCounts },
      acceptedJobs: this.acceptedJobs,
      jobsByState,
      submissionsByReplyRef: { ...this.replyRefCounts },
      duplicateReplyRefs: Object.entries(this.replyRefCounts).filter(([, n]) => n > 1).map(([ref]) => ref),
      responsesByStatus: { ...this.statusCounts },
      faultsInjected: { ...this.faultCounts },
    };
  }

  /** Forget jobs, faults and counters; back to the pre-configured channels. */
  reset(): void {
    for (const job of this.jobs.values()) {
      for (const step of job.steps) step.cancel();
      job.timeout?.cancel();
      job.subscribers.clear();
    }
    this.jobs.clear();
    this.media.clear();
    this.attachments.clear();
    this.channels.clear();
    this.faults = noFaults();
    this.requestCounts = {};
    this.statusCounts = {};
    this.faultCounts = {};
    this.acceptedJobs = 0;
    this.replyRefCounts = {};
    this.configureDemoChannels();
  }

  /** Stop every timer (server shutdown). */
  stopAll(): void {
    for (const job of this.jobs.values()) {
      for (const step of job.steps) step.cancel();
      job.timeout?.cancel();
    }
  }

  lockChannel(channelId: string, reason = 'Pending mod message'): void {
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`Unknown channel ${channelId}`);
    channel.lockedReason = reason;
  }

  unlockChannel(channelId: string): void {
    const channel = this.channels.get(channelId);
    if (channel) delete channel.lockedReason;
  }

  /** 5xx injection: true when this request should fail with `faults.status5xx`. */
  roll5xx(): boolean {
    const hit = this.faults.rate5xx > 0 && this.random.next() < this.faults.rate5xx;
    if (hit) this.countFault('5xx');
    return hit;
  }

  // ---------------------------------------------------------------- accounts (§2 rows 1–5, §9)

  accountView(channel: Channel): JsonObject {
    const view: JsonObject = {
      discord: redactDiscordToken(channel.discordToken),
      channel: channel.id,
      maxJobs: channel.maxJobs,
      maxImageJobs: channel.maxImageJobs,
      maxVideoJobs: channel.maxVideoJobs,
    };
    if (channel.replyUrl) view.replyUrl = channel.replyUrl;
    if (channel.lockedReason) view.error = channel.lockedReason;
    return view;
  }

  postAccount(body: Body): { status: number; account: JsonObject } {
    const discord = optionalString(body, 'discord');
    if (!discord) throw badRequest('Required param discord is missing or empty');
    if (discord.length < 50 || !/^[A-Za-z0-9._-]+$/.test(discord)) throw badRequest('Invalid Discord token');
    const replyUrl = optionalString(body, 'replyUrl');
    if (replyUrl !== undefined && replyUrl.length > 2048) throw badRequest('Parameter replyUrl is too long (max 2048)');
    const maxJobs = optionalInt(body, 'maxJobs') ?? 3;
    const maxImageJobs = optionalInt(body, 'maxImageJobs') ?? 3;
    const maxVideoJobs = optionalInt(body, 'maxVideoJobs') ?? 3;
    if (maxJobs < 1 || maxJobs > 15) throw badRequest('Parameter maxJobs must be between 1 and 15');
    if (maxImageJobs < 1 || maxImageJobs > 12) throw badRequest('Parameter maxImageJobs must be between 1 and 12');
    if (maxVideoJobs < 1 || maxVideoJobs > 12) throw badRequest('Parameter maxVideoJobs must be between 1 and 12');
    if (maxImageJobs > maxJobs) throw badRequest('Parameter maxImageJobs must not exceed maxJobs');
    if (maxVideoJobs > maxJobs) throw badRequest('Parameter maxVideoJobs must not exceed maxJobs');
    const existing = this.channels.get(stableSnowflake(`channel:${discord}`));
    if (existing) {
      Object.assign(existing, { maxJobs, maxImageJobs, maxVideoJobs });
      if (replyUrl !== undefined) existing.replyUrl = replyUrl;
      return { status: 200, account: this.accountView(existing) };
    }
    const channel = this.addChannel(discord, { maxJobs, maxImageJobs, maxVideoJobs, ...(replyUrl ? { replyUrl } : {}) });
    return { status: 201, account: this.accountView(channel) };
  }

  // ---------------------------------------------------------------- job listing, lookup, cancel

  runningJobs(): JsonObject {
    const now = this.time.now();
    const channels: JsonObject = {};
    let total = 0;
    let images = 0;
    let videos = 0;
    for (const channel of this.channels.values()) {
      const jobs = [...channel.running].map((job) => ({
        jobId: job.jobid,
        channel: channel.id,
        jobType: job.slotType,
        created: isoMs(job.createdMs),
        elapsed: minutesSeconds(now - job.createdMs),
      }));
      const channelImages = jobs.filter((j) => j.jobType === 'image').length;
      const channelVideos = jobs.filter((j) => j.jobType === 'video').length;
      channels[channel.id] = {
        total: jobs.length,
        images: channelImages,
        videos: channelVideos,
        maxJobs: channel.maxJobs,
        maxImageJobs: channel.maxImageJobs,
        maxVideoJobs: channel.maxVideoJobs,
        jobs,
      };
      total += jobs.length;
      images += channelImages;
      videos += channelVideos;
    }
    return { total, images, videos, channels };
  }

  /** The job, or 404/410 as HttpError. */
  findJob(jobid: string): SimJob {
    const job = this.jobs.get(jobid);
    if (!job) throw new HttpError(404, { error: 'Job not found', code: 404 });
    if (this.time.now() - job.createdMs > JOB_RETENTION_MS) throw new HttpError(410, { error: `Job ${jobid} has expired`, code: 410 });
    return job;
  }

  cancelJob(jobid: string): void {
    const job = this.findJob(jobid);
    if (isTerminal(job.status)) throw badRequest('Job is not running');
    this.finishFailed(job, 499, 'Job cancelled by user', 'Cancelled with DELETE /jobs/{jobid}');
  }

  /** The job object as the API returns it (§3). */
  view(job: SimJob): JsonObject {
    const view: JsonObject = { jobid: job.jobid, verb: job.verb };
    if (job.jobType) view.jobType = job.jobType;
    view.status = job.status;
    view.created = isoMs(job.createdMs);
    if (job.updatedMs !== undefined) view.updated = isoMs(job.updatedMs);
    if (job.code !== undefined) view.code = job.code;
    if (job.error !== undefined) view.error = job.error;
    if (job.errorDetails !== undefined) view.errorDetails = job.errorDetails;
    view.request = job.request;
    if (job.response) {
      const response: JsonObject = { ...job.response };
      if (Object.keys(job.children).length > 0) response.children = { ...job.children };
      if (Object.keys(job.executeOnce).length > 0) response.executeOnce = { ...job.executeOnce };
      if (job.replyRef !== undefined) response.replyRef = job.replyRef;
      view.response = response;
    }
    return view;
  }

  // ---------------------------------------------------------------- job creation (§2 rows 6–17)

  /**
   * Validate and create a job. Returns the job and whether it is new (false: an execute-once repeat).
   * Throws HttpError for 400/429/596.
   */
  submit(verb: JobVerb, body: Body, apiUser: string): { job: SimJob; isNew: boolean } {
    const replyUrl = optionalString(body, 'replyUrl');
    const replyRef = optionalString(body, 'replyRef');
    if (replyUrl !== undefined && replyUrl.length > 1024) throw badRequest('Parameter replyUrl is too long (max 1024)');
    if (replyRef !== undefined && replyRef.length > 1024) throw badRequest('Parameter replyRef is too long (max 1024)');
    const replyLevel = optionalString(body, 'replyLevel') ?? 'all';
    if (replyLevel !== 'all' && replyLevel !== 'final') throw badRequest('Parameter replyLevel must be all or final');
    if (this.faults.force429 > 0) {
      this.faults.force429--;
      this.countFault('force429');
      throw this.busy('All channels are busy, retry later');
    }
    const common = { replyUrl, replyRef, replyLevel, apiUser, request: echoRequest(body) };
    switch (verb) {
      case 'imagine':
        return { job: this.submitImagine(body, common), isNew: true };
      case 'button':
        return this.submitButton(body, common);
      case 'seed':
        return this.submitSeed(body, common);
      case 'describe':
        return { job: this.submitDescribe(body, common), isNew: true };
      case 'blend':
        return { job: this.submitBlend(body, common), isNew: true };
      default:
        return { job: this.submitSettings(verb, body, common), isNew: true };
    }
  }

  private submitImagine(body: Body, common: Common): SimJob {
    const prompt = optionalString(body, 'prompt');
    if (!prompt || prompt.trim() === '') throw badRequest('Required param prompt is missing or empty');
    if (prompt.length > 5000) throw badRequest('Parameter prompt is too long (max 5000)');
    const isVideo = /(^|\s)--video\b/.test(prompt);
    const jobType: JobType = isVideo ? 'video' : 'image';
    const channel = this.chooseChannel(optionalString(body, 'channel'), jobType, prompt);
    const startFrame = /^\s*https?:\/\/\S+/.test(prompt);
    const echo = this.echoPrompt(prompt, channel);
    const picture: PictureSource = { seedText: prompt, salt: 'imagine', aspect: aspectOf(prompt) };
    let ending = this.endingFor(prompt);
    if (isVideo && !startFrame && ending.type === 'complete') {
      ending = { type: 'moderated', title: 'Invalid request', description: 'No start frame provided' };
    }
    return this.createJob({
      verb: 'imagine',
      jobType,
      channel,
      common,
      echo,
      plan: { kind: isVideo ? 'video-grid' : 'grid', picture, quadrant: 0, sizeFactor: 1, contentMiddle: '', index: 0 },
      renderMs: isVideo ? this.random.between(60_000, 180_000) : this.random.between(29_000, 34_000),
      ending,
      commandName: 'imagine',
      prompt,
    });
  }

  private submitButton(body: Body, common: Common): { job: SimJob; isNew: boolean } {
    const parent = this.parentFor(body);
    const button = optionalString(body, 'button');
    if (!button) throw badRequest('Required param button is missing or empty');
    const buttons = (parent.response?.buttons as string[] | undefined) ?? [];
    if (!buttons.includes(button)) throw badRequest(`Button ${button} is not available for job ${parent.jobid}; available: ${buttons.join(', ') || 'none'}`);
    const prompt = optionalString(body, 'prompt');
    if (prompt !== undefined && prompt.length > 5000) throw badRequest('Parameter prompt is too long (max 5000)');
    if (button === 'Custom Zoom' && !prompt) throw badRequest('Required param prompt is missing for Custom Zoom');
    if (button === 'Vary (Region)' && !optionalString(body, 'mask')) throw badRequest('Required param mask is missing for Vary (Region)');
    const runOnce = /^U[1-4]$/.test(button);
    if (runOnce) {
      const existing = parent.executeOnce[button] ? this.jobs.get(parent.executeOnce[button]) : undefined;
      if (existing) return { job: existing, isNew: false };
    }
    const parentKind = parent.resultKind ?? 'grid';
    const channel = this.channelForChild(parent);
    const remixPrompt = prompt !== undefined && (channel.remix || button === 'Custom Zoom') ? prompt : undefined;
    const echo = remixPrompt !== undefined ? this.echoPrompt(remixPrompt, channel) : parent.echo;
    const base = parent.plan.picture;
    const salt = `${base.salt}|${button}|${this.random.hex(8)}`;
    let kind: ResultKind;
    let renderMs: number;
    let quadrant = parent.plan.quadrant;
    let sizeFactor = parent.plan.sizeFactor;
    let contentMiddle = '';
    let picture: PictureSource = { ...base, salt };
    const index = runOnce ? Number(button.slice(1)) : 0;
    if (runOnce) {
      kind = parentKind === 'video-grid' ? 'single-video' : 'single';
      renderMs = this.random.between(3_000, 8_000);
      quadrant = index - 1;
      picture = base; // the single is the parent's quadrant
    } else if (button.startsWith('Animate') || button.startsWith('Extend')) {
      kind = 'video-grid';
      renderMs = this.random.between(60_000, 180_000);
      contentMiddle = `${button.replace('Animate', 'Animated').replace('Extend', 'Extended')} by `;
    } else if (button.includes('Upscale (')) {
      kind = 'upscaled';
      renderMs = this.random.between(40_000, 90_000);
      picture = base;
      sizeFactor = 2;
      contentMiddle = `${button.replace('Redo ', '').replace('Upscale', 'Upscaled')} by `;
    } else if (button === '🔄' && parentKind === 'video-grid') {
      kind = 'video-grid';
      renderMs = this.random.between(60_000, 180_000);
    } else {
      kind = 'grid';
      renderMs = this.random.between(30_000, 40_000);
      sizeFactor = 1;
      contentMiddle = button === '🔄' ? '' : `${describeButton(button)} by `;
    }
    if (remixPrompt !== undefined) picture = { ...picture, seedText: remixPrompt, aspect: aspectOf(remixPrompt) === '1:1' ? picture.aspect : aspectOf(remixPrompt) };
    const jobType: JobType = kind === 'video-grid' || kind === 'single-video' ? 'video' : 'image';
    this.requireRoom(channel, jobType);
    const job = this.createJob({
      verb: 'button',
      jobType,
      channel,
      common,
      echo,
      plan: { kind, picture, quadrant, sizeFactor, contentMiddle, index },
      renderMs,
      ending: this.endingFor(remixPrompt ?? parent.prompt),
      commandName: 'button',
      prompt: remixPrompt ?? parent.prompt,
    });
    parent.children[button] = job.jobid;
    if (runOnce) parent.executeOnce[button] = job.jobid;
    return { job, isNew: true };
  }

  private submitSeed(body: Body, common: Common): { job: SimJob; isNew: boolean } {
    const parent = this.parentFor(body);
    if (parent.jobType !== 'image') throw badRequest(`Seed is not available for ${parent.jobType ?? 'this'} jobs`);
    const existing = parent.executeOnce.seed ? this.jobs.get(parent.executeOnce.seed) : undefined;
    if (existing) return { job: existing, isNew: false };
    const channel = this.channelForChild(parent);
    this.requireRoom(channel, 'image');
    const job = this.createJob({
      verb: 'seed',
      jobType: undefined,
      slotType: 'image',
      channel,
      common,
      echo: parent.echo,
      plan: { ...parent.plan, kind: 'seed' },
      renderMs: this.random.between(5_000, 15_000),
      ending: { type: 'complete' },
      commandName: 'seed',
      prompt: parent.prompt,
    });
    parent.children.seed = job.jobid;
    parent.executeOnce.seed = job.jobid;
    return { job, isNew: true };
  }

  private submitDescribe(body: Body, common: Common): SimJob {
    const imageUrl = optionalString(body, 'imageUrl');
    const imageBlob = body.imageBlob;
    if ((imageUrl === undefined) === (imageBlob === undefined)) throw badRequest('Provide exactly one of imageUrl or imageBlob');
    let seedText: string;
    if (imageUrl !== undefined) {
      if (!/^https?:\/\/\S+$/.test(imageUrl)) throw badRequest('Parameter imageUrl must be an http(s) URL');
      seedText = imageUrl;
    } else {
      seedText = checkImageFile(imageBlob, 'imageBlob');
    }
    const channel = this.chooseChannel(optionalString(body, 'channel'), 'image', seedText);
    return this.createJob({
      verb: 'describe',
      jobType: 'image',
      channel,
      common,
      echo: '',
      plan: { kind: 'describe', picture: { seedText, salt: 'describe', aspect: '1:1' }, quadrant: 0, sizeFactor: 1, contentMiddle: '', index: 0 },
      renderMs: this.random.between(5_000, 15_000),
      ending: this.endingFor(seedText),
      commandName: 'describe',
      prompt: seedText,
    });
  }

  private submitBlend(body: Body, common: Common): SimJob {
    const sources: string[] = [];
    for (let n = 1; n <= 5; n++) {
      const url = optionalString(body, `imageUrl_${n}`);
      const blob = body[`imageBlob_${n}`];
      if (url !== undefined && blob !== undefined) throw badRequest(`Provide either imageUrl_${n} or imageBlob_${n}, not both`);
      if (url !== undefined) {
        if (!/^https?:\/\/\S+$/.test(url)) throw badRequest(`Parameter imageUrl_${n} must be an http(s) URL`);
        sources.push(url);
      } else if (blob !== undefined) {
        sources.push(checkImageFile(blob, `imageBlob_${n}`));
      } else {
        for (let later = n + 1; later <= 5; later++) {
          if (body[`imageUrl_${later}`] !== undefined || body[`imageBlob_${later}`] !== undefined) throw badRequest('Blend images must be numbered 1..n without gaps');
        }
        break;
      }
    }
    if (sources.length < 2) throw badRequest('At least 2 images are required (imageUrl_N or imageBlob_N)');
    const dimensions = optionalString(body, 'blendDimensions');
    const aspects: Record<string, string> = { Portrait: '2:3', Square: '1:1', Landscape: '3:2' };
    if (dimensions !== undefined && !aspects[dimensions]) throw badRequest('Parameter blendDimensions must be Portrait, Square or Landscape');
    const aspect = aspects[dimensions ?? 'Square'];
    const seedText = sources.join(' ');
    const channel = this.chooseChannel(optionalString(body, 'channel'), 'image', seedText);
    const links = sources.map(() => `<https://s.mj.run/${this.random.base64(11).replace(/[+/]/g, 'x')}>`).join(' ');
    return this.createJob({
      verb: 'blend',
      jobType: 'image',
      channel,
      common,
      echo: `${links} --ar ${aspect}`,
      plan: { kind: 'grid', picture: { seedText, salt: 'blend', aspect }, quadrant: 0, sizeFactor: 1, contentMiddle: '', index: 0 },
      renderMs: this.random.between(29_000, 34_000),
      ending: this.endingFor(seedText),
      commandName: 'blend',
      prompt: seedText,
    });
  }

  private submitSettings(verb: SettingsVerb, body: Body, common: Common): SimJob {
    const pinned = optionalString(body, 'channel');
    if (pinned === undefined && this.channels.size > 1) throw badRequest('Required param channel is missing (more than one account is configured)');
    const channel = pinned !== undefined ? this.channels.get(pinned) : [...this.channels.values()][0];
    if (!channel) throw badRequest(pinned !== undefined ? `Channel ${pinned} not found` : 'No Midjourney account configured; POST /accounts first');
    if (channel.lockedReason) throw this.locked(channel);
    return this.createJob({
      verb,
      jobType: undefined,
      channel,
      common,
      echo: '',
      plan: { kind: 'settings', picture: { seedText: verb, salt: '', aspect: '1:1' }, quadrant: 0, sizeFactor: 1, contentMiddle: '', index: 0 },
      renderMs: this.random.between(800, 1_200),
      ending: { type: 'complete' },
      commandName: verb,
      prompt: '',
    });
  }

  private parentFor(body: Body): SimJob {
    const jobId = optionalString(body, 'jobId');
    if (!jobId) throw badRequest('Required param jobId is missing or empty');
    if (!JOB_ID_FORMAT.test(jobId)) throw badRequest(`Parameter jobId has an invalid format: ${jobId}`);
    const parent = this.jobs.get(jobId);
    if (!parent) throw badRequest(`Job ${jobId} not found`);
    if (this.time.now() - parent.createdMs > JOB_RETENTION_MS) throw new HttpError(410, { error: `Job ${jobId} has expired`, code: 410 });
    if (parent.status !== 'completed') throw badRequest(`Job ${jobId} is not completed (status ${parent.status})`);
    return parent;
  }

  private channelForChild(parent: SimJob): Channel {
    const channel = this.channels.get(parent.channel);
    if (!channel) throw badRequest(`Channel ${parent.channel} not found`);
    if (channel.lockedReason) throw this.locked(channel);
    return channel;
  }

  private requireRoom(channel: Channel, jobType: JobType): void {
    if (!hasRoom(channel, jobType)) throw this.busy(`Channel ${channel.id} has no free ${jobType} slot, retry later`, [channel]);
  }

  /** Capacity and the 596 lock (§6, §14 #17, #24). A prompt with `[[lock]]` locks the chosen channel. */
  private chooseChannel(pinned: string | undefined, jobType: JobType, prompt: string): Channel {
    let channel: Channel;
    if (pinned !== undefined) {
      const found = this.channels.get(pinned);
      if (!found) throw badRequest(`Channel ${pinned} not found`);
      if (found.lockedReason) throw this.locked(found);
      this.requireRoom(found, jobType);
      channel = found;
    } else {
      const all = [...this.channels.values()];
      if (all.length === 0) throw badRequest('No Midjourney account configured; POST /accounts first');
      const healthy = all.filter((c) => !c.lockedReason);
      if (healthy.length === 0) throw this.locked(all[0]);
      const withRoom = healthy.filter((c) => hasRoom(c, jobType));
      if (withRoom.length === 0) throw this.busy('All channels are busy, retry later', healthy);
      channel = withRoom.length === 1 ? withRoom[0] : this.random.pick(withRoom);
    }
    if (prompt.includes('[[lock]]')) {
      channel.lockedReason = 'Pending mod message';
      throw this.locked(channel);
    }
    return channel;
  }

  private busy(error: string, channels: Channel[] = [...this.channels.values()]): HttpError {
    const body: JsonObject = { error, code: 429 };
    if (this.faults.executingJobsIn429) body.executingJobs = channels.flatMap((c) => [...c.running].map((j) => j.jobid));
    const headers: Record<string, string> = {};
    if (this.faults.retryAfterSeconds !== undefined) {
      headers['Retry-After'] = String(this.faults.retryAfterSeconds);
      body.retry_after = this.faults.retryAfterSeconds;
    }
    return new HttpError(429, body, headers);
  }

  private locked(channel: Channel): HttpError {
    return new HttpError(596, { error: `Channel ${channel.id} has a pending moderation message or CAPTCHA`, channel: channel.id, code: 596 });
  }

  /** How a job ends: magic words and forced outcomes first, completion otherwise. */
  private endingFor(prompt: string): Ending {
    const forced = this.faults.outcomes.find((o) => prompt.includes(o.match));
    if (forced) {
      return forced.outcome.status === 'moderated'
        ? { type: 'moderated', title: forced.outcome.error, description: forced.outcome.errorDetails ?? '' }
        : { type: 'failed', error: forced.outcome.error, errorDetails: forced.outcome.errorDetails ?? '' };
    }
    if (prompt.includes('[[moderate]]')) {
      return {
        type: 'moderated',
        title: 'Banned prompt detected',
        description: 'Sorry! Our AI moderator thinks this prompt is probably against our community standards.',
      };
    }
    if (prompt.includes('[[fail]]')) return { type: 'failed', error: 'Midjourney failed to render the job', errorDetails: 'Simulated failure ([[fail]] in the prompt)' };
    if (prompt.includes('[[freeze]]')) return { type: 'freeze' };
    return { type: 'complete' };
  }

  /** Midjourney's echo of a prompt: magic words removed, channel suffix appended, `--video` → `--video 1`. */
  private echoPrompt(prompt: string, channel: Channel): string {
    let echo = prompt.replace(/\[\[[a-z0-9]+\]\]/gi, ' ').replace(/\s+/g, ' ').trim();
    echo = echo.replace(/^https?:\/\/\S+/, () => `<https://s.mj.run/${this.random.base64(11).replace(/[+/]/g, 'x')}>`);
    echo = echo.replace(/--video(?!\s+\d)/, '--video 1');
    if (channel.suffix) echo = `${echo} ${channel.suffix}`;
    return echo;
  }

  // ---------------------------------------------------------------- lifecycle (§3.3, §14 #6–#15)

  private createJob(input: {
    verb: JobVerb;
    jobType: JobType | undefined;
    /** Seed jobs take an image slot without having a jobType. */
    slotType?: JobType;
    channel: Channel;
    common: Common;
    echo: string;
    plan: ResultPlan;
    renderMs: number;
    ending: Ending;
    commandName: string;
    prompt: string;
  }): SimJob {
    const { channel, common } = input;
    const idMs = this.time.now();
    const letter = input.verb === 'seed' || (SETTINGS_VERBS as readonly string[]).includes(input.verb) ? '' : input.jobType === 'video' ? 'v' : 'i';
    const { jobid, digits } = makeJobId(idMs, letter, common.apiUser, channel.id, this.random);
    const slotType = input.slotType ?? input.jobType;
    const job: SimJob = {
      jobid,
      digits,
      verb: input.verb,
      jobType: input.jobType,
      status: 'created',
      createdMs: idMs + 40,
      request: common.request,
      channel: channel.id,
      user: channel.user,
      replyUrl: common.replyUrl ?? channel.replyUrl,
      replyLevel: common.replyLevel,
      replyRef: common.replyRef,
      holdsSlot: slotType !== undefined,
      slotType,
      random: new Random(this.random.int(0, 0xffffffff)),
      steps: [],
      subscribers: new Set(),
      children: {},
      executeOnce: {},
      echo: input.echo,
      prompt: input.prompt,
      speed: channel.speed,
      plan: input.plan,
    };
    if (job.holdsSlot) channel.running.add(job);
    this.jobs.set(jobid, job);
    this.acceptedJobs++;
    if (common.replyRef !== undefined) this.replyRefCounts[common.replyRef] = (this.replyRefCounts[common.replyRef] ?? 0) + 1;
    this.schedule(job, input.renderMs, input.ending, input.commandName);
    job.timeout = this.time.after(JOB_TIMEOUT_MS, () =>
      this.guarded(job, () => {
        if (!isTerminal(job.status)) this.finishFailed(job, 408, 'Job timed out', 'No result within 14 minutes');
      }),
    );
    this.emit(job);
    return job;
  }

  /**
   * Plan the job's timeline up front (all random draws happen here, from the job's own generator, so a
   * seed gives the same timings whatever else runs). Timestamps are the planned simulated times.
   */
  private schedule(job: SimJob, renderMs: number, ending: Ending, commandName: string): void {
    const random = job.random;
    const at = (offsetMs: number, fn: (atMs: number) => void): void => {
      const atMs = job.createdMs + offsetMs;
      job.steps.push(this.time.after(offsetMs, () => this.guarded(job, () => fn(atMs))));
    };
    if (ending.type === 'moderated') {
      // Midjourney answers the slash command with an ephemeral error: no started/progress (§14 #9).
      at(random.between(1_700, 5_300), (atMs) => this.finishModerated(job, ending.title, ending.description, commandName, atMs));
      return;
    }
    const kind = job.plan.kind;
    if (kind === 'settings') {
      const messageLag = random.between(200, 400);
      at(renderMs, (atMs) => this.finishCompleted(job, atMs - messageLag, atMs));
      return;
    }
    const speedFactor = job.speed === 'turbo' ? 0.5 : job.speed === 'relax' ? random.between(3, 10) : 1;
    const startedAt = random.between(1_500, 3_000);
    const total = Math.min(LONGEST_RENDER_MS, Math.max(startedAt + 1_000, renderMs * speedFactor));
    at(startedAt, (atMs) => this.setRunning(job, 'started', undefined, atMs));
    const withProgress = kind === 'grid' || kind === 'video-grid' || kind === 'upscaled';
    const steps = withProgress ? progressSteps(Math.floor((total - startedAt - 1_500) / 3_500)) : [];
    const first = startedAt + 1_000;
    const last = total - 1_500;
    steps.forEach((percent, i) => {
      const when = steps.length === 1 ? first : first + ((last - first) * i) / (steps.length - 1);
      at(when, (atMs) => this.setRunning(job, 'progress', percent, atMs));
    });
    if (ending.type === 'freeze') return;
    if (ending.type === 'failed') {
      at(steps.length > 2 ? first + (last - first) / 2 + 1 : startedAt + 500, (atMs) => this.finishFailed(job, 500, ending.error, ending.errorDetails, atMs));
      return;
    }
    // `updated` follows the Discord message by 0.3–0.6 s (§14 #6).
    const messageLag = random.between(300, 600);
    at(total, (atMs) => this.finishCompleted(job, atMs - messageLag, atMs));
  }

  /** A bug in a timer must not take down the host process (the extension runs the simulator in-process). */
  private guarded(job: SimJob, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      if (!isTerminal(job.status)) {
        this.finishFailed(job, 500, 'Simulator error', error instanceof Error ? error.message : String(error));
      }
    }
  }

  private runningMessage(job: SimJob, content: string, atMs: number): JsonObject {
    return botMessage({ id: snowflake(atMs, job.random), channelId: job.channel, timestampMs: atMs, content, user: job.user });
  }

  private setRunning(job: SimJob, status: 'started' | 'progress', percent: number | undefined, atMs: number): void {
    if (isTerminal(job.status)) return;
    const speedWord = SPEED_WORD[job.speed];
    const echo = job.echo || job.verb;
    if (status === 'started') {
      job.response = this.runningMessage(job, `**${echo}** - <@${job.user.id}> (Waiting to start)`, atMs);
    } else {
      const previous = job.response ?? this.runningMessage(job, '', atMs);
      job.response = { ...previous, content: `**${echo}** - <@${job.user.id}> (${percent}%) (${speedWord})`, progress_percent: percent };
    }
    job.status = status;
    job.updatedMs = atMs;
    this.emit(job);
  }

  private finish(job: SimJob, status: 'completed' | 'failed' | 'moderated', code: number, atMs: number): void {
    job.status = status;
    job.code = code;
    job.updatedMs = atMs;
    for (const step of job.steps) step.cancel();
    job.steps = [];
    job.timeout?.cancel();
    job.holdsSlot = false;
    this.channels.get(job.channel)?.running.delete(job);
    this.emit(job);
    job.subscribers.clear();
  }

  private finishFailed(job: SimJob, code: number, error: string, errorDetails: string, atMs = this.time.now()): void {
    job.error = error;
    job.errorDetails = errorDetails;
    if (job.response) {
      const response = { ...job.response };
      delete response.progress_percent;
      job.response = response;
    }
    this.finish(job, 'failed', code, atMs);
  }

  private finishModerated(job: SimJob, title: string, description: string, commandName: string, atMs: number): void {
    const random = job.random;
    const messageMs = atMs - random.between(150, 300);
    const messageId = snowflake(messageMs, random);
    const footer = `/${commandName} ${textOf(job.request.prompt) || textOf(job.request.button)}`.trim();
    job.response = ephemeralReply(
      { id: messageId, channelId: job.channel, timestampMs: messageMs, content: '', user: job.user },
      {
        nonce: job.digits,
        commandName,
        interactionId: snowflake(job.createdMs + 500, random),
        embeds: [errorEmbed(addOne(messageId), title, description, footer)],
        components: actionRows([[{ label: 'Resubmit', customId: `MJ::Job::Retry::${random.base64(22).replace(/[+/]/g, 'x')}` }]]).components,
      },
    );
    job.error = title;
    job.errorDetails = description;
    this.finish(job, 'moderated', 422, atMs);
  }

  private finishCompleted(job: SimJob, messageMs: number, atMs: number): void {
    if (isTerminal(job.status)) return;
    const random = job.random;
    const channel = this.channels.get(job.channel);
    const plan = job.plan;
    const base = { id: snowflake(messageMs, random), channelId: job.channel, timestampMs: messageMs, user: job.user };
    const speedWord = SPEED_WORD[job.speed];
    const isSec = Math.floor(messageMs / 1000);
    const guid = random.guid();
    const attachmentFor = (kind: AttachmentEntry['kind'], variant: number, size: Size, filename: string, contentType: string): JsonObject => {
      const id = snowflake(messageMs - 100, random);
      this.attachments.set(id, { kind, picture: plan.picture, variant, expiresSec: isSec + 86_400 });
      return attachment({
        origin: this.options.origin(),
        channelId: job.channel,
        id,
        filename,
        contentType,
        width: size.width,
        height: size.height,
        size: Math.round(size.width * size.height * (contentType === 'image/png' ? 1.3 : 0.2)),
        isSec,
        hm: random.hex(64),
        placeholder: `${random.base64(26)}==`,
      });
    };
    const filename = (ext: string): string => `${job.user.username}_${promptSlug(job.echo)}_${guid}.${ext}`;
    const promo = random.next() < this.options.promoFooterRate;
    job.resultKind = plan.kind;
    switch (plan.kind) {
      case 'grid': {
        const rows = actionRows(rowsFor('grid', guid));
        this.media.set(guid, { picture: plan.picture, variants: [0, 1, 2, 3], videos: 0 });
        job.response = {
          ...botMessage(
            { ...base, content: gridContent(job.echo, job.user.id, plan.contentMiddle, speedWord, promo) },
            { attachments: [attachmentFor('grid-png', 0, gridSize(plan.picture.aspect), filename('png'), 'image/png')], components: rows.components },
          ),
          buttons: rows.buttons,
          imageUx: [0, 1, 2, 3].map((i) => ({ id: i + 1, url: `https://cdn.midjourney.com/${guid}/0_${i}.jpeg` })),
        };
        break;
      }
      case 'single':
      case 'upscaled': {
        const rows = actionRows(rowsFor(plan.kind, guid));
        const single = singleSize(plan.picture.aspect);
        const size = { width: single.width * plan.sizeFactor, height: single.height * plan.sizeFactor };
        this.media.set(guid, { picture: plan.picture, variants: [plan.quadrant], videos: 0 });
        const content =
          plan.kind === 'single'
            ? `**${job.echo}** - Image #${plan.index} <@${job.user.id}>`
            : gridContent(job.echo, job.user.id, plan.contentMiddle, speedWord, false);
        job.response = {
          ...botMessage({ ...base, content }, { attachments: [attachmentFor('single-png', plan.quadrant, size, filename('png'), 'image/png')], components: rows.components }),
          buttons: rows.buttons,
          imageUx: [{ id: 1, url: `https://cdn.midjourney.com/${guid}/0_0.jpeg` }],
        };
        break;
      }
      case 'video-grid':
      case 'single-video': {
        const rows = actionRows(rowsFor(plan.kind, guid));
        const single = singleSize(plan.picture.aspect);
        const scale = 832 / Math.max(single.width, single.height);
        const size = { width: Math.round(single.width * scale), height: Math.round(single.height * scale) };
        const count = plan.kind === 'video-grid' ? 4 : 1;
        this.media.set(guid, { picture: plan.picture, variants: [], videos: count });
        const websiteLink = `[(Open on website for full quality)](<https://midjourney.com/jobs/${guid}>) `;
        const content =
          plan.kind === 'video-grid'
            ? `**${job.echo}** - ${plan.contentMiddle}<@${job.user.id}> ${websiteLink}(${speedWord})`
            : `**${job.echo}** - Video #${plan.index} <@${job.user.id}>`;
        const media =
          plan.kind === 'video-grid'
            ? attachmentFor('video-preview', 0, { width: size.width * 2, height: size.height * 2 }, filename('webp'), 'image/webp')
            : attachmentFor('video-mp4', plan.index, size, filename('mp4'), 'video/mp4');
        job.response = {
          ...botMessage({ ...base, content }, { attachments: [media], components: rows.components }),
          buttons: rows.buttons,
          videoUx: Array.from({ length: count }, (_, i) => ({ id: i + 1, url: `https://cdn.midjourney.com/video/${guid}/${i}.mp4` })),
        };
        break;
      }
      case 'seed': {
        const seed = random.int(0, 4294967295);
        job.seed = seed;
        const single = singleSize(plan.picture.aspect);
        const attachments = [0, 1, 2, 3].map((v) => attachmentFor('single-png', v, single, `${job.user.username}_${promptSlug(job.echo)}_${guid}_${v}.png`, 'image/png'));
        job.response = {
          ...botMessage({ ...base, content: `**${job.echo}**\n**Job ID**: ${guid}\n**seed** ${seed}` }, { attachments }),
          seed,
        };
        break;
      }
      case 'describe': {
        job.response = botMessage(
          { ...base, content: '' },
          {
            embeds: [
              {
                type: 'rich',
                description: describeText(describePrompts(plan.picture.seedText)),
                color: 0,
                image: { url: `${this.options.origin()}/cdn.midjourney.com/${guid}/0_0.jpeg` },
              },
            ],
            mention: false,
          },
        );
        this.media.set(guid, { picture: plan.picture, variants: [0], videos: 0 });
        break;
      }
      case 'settings':
        job.response = this.settingsReply(job, channel, base);
        break;
    }
    this.finish(job, 'completed', 200, atMs);
  }

  /** Settings-type commands change the channel's state and report it (§14 #15, §15 #6). */
  private settingsReply(job: SimJob, channel: Channel | undefined, base: { id: string; channelId: string; timestampMs: number; user: DiscordUser }): JsonObject {
    const random = job.random;
    const state: ChannelSettings = channel ?? { speed: 'fast', remix: false, variability: false, suffix: '' };
    let content: string;
    switch (job.verb) {
      case 'fast':
        state.speed = 'fast';
        content = 'Done! Your jobs now use fast-hours. You can always switch back with /relax';
        break;
      case 'relax':
        state.speed = 'relax';
        content = 'Done! Your jobs now do not consume fast-hours, but might take a little longer. You can always switch back with /fast';
        break;
      case 'turbo':
        state.speed = 'turbo';
        content = 'Done! Turbo mode enabled: your jobs now render faster and use twice the fast-hours. Switch back with /fast';
        break;
      case 'remix':
        state.remix = !state.remix;
        content = state.remix ? 'Remix mode turned on! You can disable it with /remix' : 'Remix mode turned off! You can enable it with /remix';
        break;
      case 'variability':
        state.variability = !state.variability;
        content = state.variability ? 'High Variation Mode turned on!' : 'Low Variation Mode turned on!';
        break;
      default:
        content = job.verb === 'info' ? '' : 'Adjust your settings here. Current suffix: ' + (state.suffix || '(none)');
    }
    const settings = {
      version: '7',
      stylize: 100,
      raw: false,
      personalization: false,
      public: true,
      remix: state.remix,
      variability: state.variability,
      turbo: state.speed === 'turbo',
      fast: state.speed === 'fast',
      relax: state.speed === 'relax',
      suffix: state.suffix,
    };
    const embeds: JsonObject[] =
      job.verb === 'info'
        ? [
            {
              type: 'rich',
              title: `Your info - ${job.user.username}`,
              description: [
                '**Subscription**: Pro (Active monthly, simulated)',
                `**Job Mode**: ${state.speed === 'relax' ? 'Relaxed' : state.speed === 'turbo' ? 'Turbo' : 'Fast'}`,
                '**Visibility Mode**: Public',
                '**Fast Time Remaining**: 14.2/30.0 hours (47.33%)',
                `**Running Jobs**: ${channel ? channel.running.size : 0}`,
              ].join('\n'),
              color: 0,
            },
          ]
        : [];
    const reply = ephemeralReply({ ...base, content }, { nonce: job.digits, commandName: job.verb, interactionId: snowflake(job.createdMs + 300, random), embeds });
    return { ...reply, settings };
  }

  /** A dropped SSE stream freezes the job where it is; it keeps its slot until the timeout or DELETE (§5). */
  freeze(job: SimJob): void {
    if (isTerminal(job.status)) return;
    for (const step of job.steps) step.cancel();
    job.steps = [];
  }

  private emit(job: SimJob): void {
    for (const subscriber of [...job.subscribers]) subscriber.onChange(job);
    if (job.replyUrl && (job.replyLevel === 'all' || isTerminal(job.status))) this.postWebhook(job.replyUrl, job);
  }

  private webhookSeq = new Map<string, number>();

  private postWebhook(url: string, job: SimJob): void {
    const seq = (this.webhookSeq.get(job.jobid) ?? 0) + 1;
    this.webhookSeq.set(job.jobid, seq);
    const jobView = this.view(job);
    const body = this.faults.webhookEnvelope ? { event: `midjourney_${job.status}`, job: jobView, seq, ts: new Date(this.time.now()).toISOString().slice(11, 23) } : jobView;
    // One attempt, 10 s timeout, failures ignored (§15 #10).
    fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) }).then(
      (response) => response.body?.cancel().catch(() => undefined),
      () => undefined,
    );
  }
}

interface Common {
  replyUrl: string | undefined;
  replyRef: string | undefined;
  replyLevel: string;
  apiUser: string;
  request: JsonObject;
}

export function isTerminal(status: ApiStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'moderated';
}

function hasRoom(channel: Channel, jobType: JobType): boolean {
  if (channel.running.size >= channel.maxJobs) return false;
  let sameType = 0;
  for (const job of channel.running) if (job.slotType === jobType) sameType++;
  return sameType < (jobType === 'video' ? channel.maxVideoJobs : channel.maxImageJobs);
}

/** Progress percentages for `count` progress events (the full list is 0 15 31 46 62 78 93). */
function progressSteps(count: number): number[] {
  const n = Math.max(0, Math.min(PROGRESS_STEPS.length, count));
  if (n === 0) return [];
  if (n === 1) return [46];
  return Array.from({ length: n }, (_, i) => PROGRESS_STEPS[Math.round((i * (PROGRESS_STEPS.length - 1)) / (n - 1))]);
}

function describeButton(label: string): string {
  const pans: Record<string, string> = { '⬅️': 'Pan Left', '➡️': 'Pan Right', '⬆️': 'Pan Up', '⬇️': 'Pan Down' };
  if (pans[label]) return pans[label];
  if (/^V[1-4]$/.test(label)) return 'Variations (Strong)';
  if (label.startsWith('Vary ')) return label.replace('Vary', 'Variations');
  if (label.includes('Zoom')) return 'Zoom Out';
  return label;
}

function addOne(snowflakeId: string): string {
  return (BigInt(snowflakeId) + 1n).toString();
}

const DESCRIBE_PARTS = {
  adjective: ['a luminous', 'an abandoned', 'a quiet', 'a surreal', 'a vibrant', 'a misty', 'a geometric', 'a cinematic'],
  subject: ['lighthouse', 'forest clearing', 'city street', 'portrait', 'mountain lake', 'still life', 'market', 'observatory'],
  light: ['at golden hour', 'under neon rain', 'in soft morning light', 'at dusk', 'in winter fog', 'under a starry sky'],
  style: ['watercolor style', 'hyperrealistic photography', 'ukiyo-e print', 'isometric illustration', 'oil painting', 'muted film grain'],
};

/** Four plausible prompts derived from the image (URL or bytes) so the same input describes the same way. */
function describePrompts(seedText: string): string[] {
  const random = new Random(hashString(seedText));
  const p = DESCRIBE_PARTS;
  return [0, 1, 2, 3].map(() => `${random.pick(p.adjective)} ${random.pick(p.subject)} ${random.pick(p.light)}, ${random.pick(p.style)} --ar 1:1`);
}

/** Echo of the POST body (§14 #5): what was sent, files described by name/type/size. */
function echoRequest(body: Body): JsonObject {
  const echo: JsonObject = {};
  for (const [key, value] of Object.entries(body)) echo[key] = value instanceof UploadedFile ? value.toJSON() : value;
  return echo;
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function optionalString(body: Body, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`Parameter ${key} must be a string`);
  return value;
}

function optionalInt(body: Body, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) throw badRequest(`Parameter ${key} must be an integer`);
  return number;
}

/** Validates an uploaded image (≤ 10 MB, image type) and returns text that seeds its results. */
function checkImageFile(value: unknown, field: string): string {
  if (!(value instanceof UploadedFile)) throw badRequest(`Parameter ${field} must be a file (multipart/form-data)`);
  if (value.size > MAX_IMAGE_BYTES) throw badRequest(`File ${field} is too large (max 10 MB)`);
  if (value.size === 0) throw badRequest(`File ${field} is empty`);
  if (!/^image\/(png|jpe?g|webp|gif)$/.test(value.contentType)) throw badRequest(`File ${field} must be a png, jpeg, webp or gif image`);
  return `${value.filename}:${value.size}:${value.head.toString('base64')}`;
}
