// A rough fast-hours estimate, shown before anything is sent. Midjourney does not publish exact
// costs; these multipliers follow its documentation [MJ] and are labelled as estimates everywhere.
import type { ParamUse } from './tokens';

export type Speed = 'fast' | 'relax' | 'turbo' | 'account';

export interface JobEstimate {
  /** `account`: the job runs in the channel's current mode (usually fast). */
  speed: Speed;
  /** GPU minutes the job takes at standard (fast) speed. */
  gpuMinutes: number;
}

/**
 * ≈ 1 GPU minute per image grid; draft ½; --q scales; omni reference 2×; a video job ≈ 8× (at --bs 4).
 * Takes the prompt's own parameters and the defaults it gets as two lists: this runs once per job of a
 * file, and a concatenated copy per job is measurable garbage at 10,000 prompts.
 */
export function estimateJob(params: readonly ParamUse[], defaults: readonly ParamUse[], video: boolean): JobEstimate {
  let speed: Speed = 'account';
  let minutes = 1;
  let bs = 4;
  const visit = (p: ParamUse): void => {
    const name = p.def?.name;
    const value = p.values[0]?.text;
    if (name === 'fast' || name === 'relax' || name === 'turbo') speed = name;
    else if (name === 'bs' && Number(value) > 0) bs = Number(value);
    else if (!video && name === 'draft') minutes *= 0.5;
    else if (!video && name === 'q' && value !== undefined && Number(value) > 0) minutes *= Number(value);
    else if (!video && name === 'oref') minutes *= 2;
  };
  params.forEach(visit);
  defaults.forEach(visit);
  if (video) minutes = 8 * (bs / 4);
  return { speed, gpuMinutes: minutes };
}

export interface RunEstimate {
  jobs: number;
  images: number;
  videos: number;
  /** Fast-hour minutes: fast and account-mode jobs count once, turbo twice, relax not at all. */
  fastMinutes: number;
  relaxJobs: number;
}

export function estimateRun(jobs: readonly { jobType: 'image' | 'video'; estimate: JobEstimate }[]): RunEstimate {
  const out: RunEstimate = { jobs: jobs.length, images: 0, videos: 0, fastMinutes: 0, relaxJobs: 0 };
  for (const j of jobs) {
    if (j.jobType === 'video') out.videos++;
    else out.images++;
    if (j.estimate.speed === 'relax') out.relaxJobs++;
    else out.fastMinutes += j.estimate.gpuMinutes * (j.estimate.speed === 'turbo' ? 2 : 1);
  }
  return out;
}

/** "≈ 12 fast GPU-minutes (0.20 fast hours)". */
export function formatEstimate(e: RunEstimate): string {
  const minutes = Math.round(e.fastMinutes * 10) / 10;
  const relax = e.relaxJobs > 0 ? `; ${e.relaxJobs} in relax mode (no fast hours)` : '';
  return `≈ ${minutes} fast GPU-minute${minutes === 1 ? '' : 's'} (${(e.fastMinutes / 60).toFixed(2)} fast hours)${relax}`;
}
