// Pick the best of four: judge a completed grid's four single images, press U<n> on the chosen one and,
// when asked, Animate on the upscaled single (the only job kind that has Animate, CONTRACT.md §4).
import type { Logger } from '../ports';
import { silentLogger } from '../ports';
import type { JobEngineApi, JobStoreReader } from '../jobs/api';
import type { JobRecord, JobRequest, ResultAsset } from '../jobs/model';
import { promptOf } from '../jobs/model';
import type { AiDecisionStore } from './decisions';
import { AiError, type AiAssistant, type AiDecision, type AiImage, type GridJudgement } from './types';

export type Motion = 'High' | 'Low';

export interface AutopilotOptions {
  /** Also press `Animate (<motion> motion)` on the upscaled single. */
  animate: boolean;
  /** Default High, as the predecessor's auto-pilot did. */
  motion?: Motion;
  /** Bytes of one single image (the engine's media cache downloads; this module never fetches media). */
  readImage(asset: ResultAsset, signal?: AbortSignal): Promise<AiImage>;
  /** Extra criteria for the judge ("the hero has red hair"). */
  context?: string;
  /** Where decisions are remembered; without one they are only returned. */
  decisions?: AiDecisionStore;
  signal?: AbortSignal;
  log?: Logger;
  now?: () => number;
}

export interface AutopilotResult {
  gridJobId: string;
  judgement: GridJudgement;
  decision: AiDecision;
  /** Local id of the `U<n>` child, when one was pressed. */
  upscaleJobId?: string;
  /** Local id of the Animate child of the upscaled single, when one was pressed (not awaited). */
  animateJobId?: string;
  /** Every job this run created, in order. */
  createdJobIds: string[];
  /** Why the flow stopped early (upscale failed, no Animate button), if it did. */
  problem?: string;
}

const UPSCALE_BUTTONS = ['U1', 'U2', 'U3', 'U4'];

export function animateButton(motion: Motion): string {
  return `Animate (${motion} motion)`;
}

/** Why a job cannot be judged, or undefined when it is a completed image grid with four singles. */
export function whyNotPickable(job: JobRecord): string | undefined {
  if (job.state !== 'completed') return `the job is ${job.state}, not completed`;
  if (job.jobType === 'video') return 'the job is a video grid; Pick best of 4 works on image grids';
  if (!UPSCALE_BUTTONS.every((b) => job.buttons.includes(b))) return 'the job is not a grid (it has no U1–U4 buttons)';
  if (!job.jobId) return 'the job has no useapi job id';
  if (singleImages(job).length !== 4) return 'the grid does not list its four single images';
  return undefined;
}

function singleImages(job: JobRecord): ResultAsset[] {
  return [1, 2, 3, 4]
    .map((index) => job.assets.find((a) => a.kind === 'image' && a.index === index))
    .filter((a): a is ResultAsset => a !== undefined);
}

/** The prompt the grid was made from: a variation or reroll grid inherits its ancestor's prompt. */
export function judgingPromptFor(store: JobStoreReader, job: JobRecord): string {
  let current: JobRecord | undefined = job;
  for (let depth = 0; current && depth < 20; depth++) {
    if (current.request.verb === 'imagine' || current.request.verb === 'blend') return promptOf(current);
    if (current.request.verb === 'button' && current.request.prompt) return current.request.prompt;
    current = current.parentId ? store.get(current.parentId) : undefined;
  }
  return job.echoedPrompt ?? promptOf(job);
}

function buttonRequest(parent: JobRecord, button: string): JobRequest {
  // parentJobId is the useapi job id of the parent (what POST /jobs/button takes).
  return { verb: 'button', parentJobId: parent.jobId ?? parent.id, button };
}

export async function pickBestOfFour(
  engine: JobEngineApi,
  jobId: string,
  assistant: AiAssistant,
  options: AutopilotOptions,
): Promise<AutopilotResult> {
  const log = options.log ?? silentLogger;
  const now = options.now ?? Date.now;
  const { signal } = options;
  const grid = engine.store.get(jobId) ?? engine.store.byJobId(jobId);
  if (!grid) throw new AiError('notAGrid', `No job ${jobId} in the history.`);
  const notPickable = whyNotPickable(grid);
  if (notPickable) throw new AiError('notAGrid', `Cannot pick the best of 4: ${notPickable}.`);

  const judgement = await judgeImages(grid, engine.store, assistant, options);
  const decision: AiDecision = {
    model: judgement.model,
    reason: judgement.reason,
    ...(judgement.kind === 'pick' ? { pickedIndex: judgement.index } : {}),
    at: now(),
  };
  await options.decisions?.record(grid.id, decision);
  const result: AutopilotResult = { gridJobId: grid.id, judgement, decision, createdJobIds: [] };
  if (judgement.kind === 'noPick') {
    log.info(`AI: no pick for ${grid.id}: ${judgement.reason}`);
    return result;
  }

  const submitOptions = { priority: grid.priority, ...(grid.source ? { source: grid.source } : {}) };
  const upscaleLabel = `U${judgement.index}`;
  log.info(`AI: picked image ${judgement.index} of ${grid.id}; pressing ${upscaleLabel}`);
  const upscale = await engine.submit(buttonRequest(grid, upscaleLabel), submitOptions);
  result.upscaleJobId = upscale.id;
  result.createdJobIds.push(upscale.id);
  if (!options.animate) return result;

  const single = await engine.waitFor(upscale.id, signal);
  if (single.state !== 'completed') {
    result.problem = `The upscale ${upscaleLabel} ended ${single.state}${single.reason ? `: ${single.reason}` : ''}; nothing was animated.`;
    return result;
  }
  const label = animateButton(options.motion ?? 'High');
  if (!single.buttons.includes(label)) {
    result.problem = `The upscaled image has no "${label}" button; nothing was animated.`;
    return result;
  }
  log.info(`AI: pressing ${label} on the upscaled image ${single.id}`);
  const animation = await engine.submit(buttonRequest(single, label), submitOptions);
  result.animateJobId = animation.id;
  result.createdJobIds.push(animation.id);
  return result;
}

/** Reads the four singles and asks the model; an image that cannot be read is a "no pick", not a guess. */
async function judgeImages(grid: JobRecord, store: JobStoreReader, assistant: AiAssistant, options: AutopilotOptions): Promise<GridJudgement> {
  const { signal } = options;
  let images: AiImage[];
  try {
    images = await Promise.all(singleImages(grid).map((asset) => options.readImage(asset, signal)));
  } catch (error) {
    signal?.throwIfAborted();
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'noPick', reason: `No pick: the images could not be read (${message}).`, model: NOT_ASKED };
  }
  signal?.throwIfAborted();
  return assistant.judgeGrid(images, judgingPromptFor(store, grid), options.context, signal);
}

/** The decision's model when no model was asked (the images were unavailable). */
export const NOT_ASKED = '(no model asked)';

/**
 * For batch runs (the `@autopilot` directive, `mj-studio run --autopilot`): call after a job of the run
 * reached a terminal state. Runs the pick on completed image grids that have no decision yet; returns
 * undefined for everything else (failed jobs, singles, videos, grids already decided).
 */
export async function autopilotAfterCompletion(
  engine: JobEngineApi,
  job: JobRecord,
  assistant: AiAssistant,
  options: AutopilotOptions,
): Promise<AutopilotResult | undefined> {
  const current = engine.store.get(job.id) ?? job;
  if (whyNotPickable(current) !== undefined) return undefined;
  if (options.decisions?.get(current.id)) return undefined;
  return pickBestOfFour(engine, current.id, assistant, options);
}

export interface AutopilotJobOutcome {
  jobId: string;
  result?: AutopilotResult;
  /** Set when the pick could not run (an error message safe to show). */
  error?: string;
}

/**
 * Wait for each job and run the autopilot on it as soon as it completes, a few grids at a time.
 * Never rejects for one job's failure; aborting `options.signal` stops waiting.
 */
export async function autopilotForJobs(
  engine: JobEngineApi,
  jobIds: readonly string[],
  assistant: AiAssistant,
  options: AutopilotOptions & { concurrency?: number },
): Promise<AutopilotJobOutcome[]> {
  const log = options.log ?? silentLogger;
  let slots = Math.max(1, options.concurrency ?? 2);
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    if (slots > 0) {
      slots--;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else slots++;
  };

  return Promise.all(
    jobIds.map(async (jobId): Promise<AutopilotJobOutcome> => {
      try {
        const finished = await engine.waitFor(jobId, options.signal);
        await acquire();
        try {
          const result = await autopilotAfterCompletion(engine, finished, assistant, options);
          return result ? { jobId, result } : { jobId };
        } finally {
          release();
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log.warn(`AI: autopilot for ${jobId} failed: ${message}`);
        return { jobId, error: message };
      }
    }),
  );
}
