// The extension's settings as one typed, validated value. Pure: `readStudioConfig` takes a getter, so
// unit tests feed it plain objects. Invalid values fall back to the default and produce a warning.
import type { DemoMode } from './backendChoice';

export interface StudioConfig {
  apiBaseUrl: string;
  demoMode: DemoMode;
  defaultChannel: string;
  defaultParameters: string;
  output: { folder: string; pattern: string; autoSave: boolean };
  download: { auto: boolean; maxCacheBytes: number };
  pollIntervalMs: number;
  /** 0: the channels' own limits. */
  maxConcurrentJobs: number;
  batch: { delayMs: number; sequential: boolean };
  /** Warn when one prompt expands to more jobs than this. */
  promptsMaxExpansion: number;
  /** How running jobs are followed: polling (survives reloads) or the POST's event stream. */
  jobUpdates: 'poll' | 'stream';
}

export type SettingGetter = (key: string) => unknown;

export interface ConfigResult {
  config: StudioConfig;
  /** One sentence per rejected setting. */
  warnings: string[];
}

const ORIGIN = /^(https?:\/\/[^\s/]+)?\/?$/;
const PLACEHOLDERS = ['{date}', '{time}', '{block}', '{prompt}', '{jobid}', '{index}', '{verb}', '{button}'];

export function readStudioConfig(get: SettingGetter): ConfigResult {
  const warnings: string[] = [];

  const str = (key: string, fallback: string, check?: (v: string) => string | undefined): string => {
    const v = get(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string') {
      warnings.push(`midjourney.${key} must be text; using "${fallback}".`);
      return fallback;
    }
    const problem = check?.(v);
    if (problem) {
      warnings.push(`midjourney.${key}: ${problem} Using "${fallback}".`);
      return fallback;
    }
    return v;
  };
  const num = (key: string, fallback: number, min: number, max: number): number => {
    const v = get(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      warnings.push(`midjourney.${key} must be a number from ${min} to ${max}; using ${fallback}.`);
      return fallback;
    }
    return v;
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const v = get(key);
    if (typeof v === 'boolean') return v;
    if (v !== undefined && v !== null) warnings.push(`midjourney.${key} must be true or false; using ${fallback}.`);
    return fallback;
  };

  const demo = str('demoMode', 'auto', (v) => (['auto', 'always', 'never'].includes(v) ? undefined : 'must be auto, always or never.'));
  const config: StudioConfig = {
    apiBaseUrl: str('apiBaseUrl', '', (v) => (ORIGIN.test(v.trim()) ? undefined : 'use an origin such as https://api.useapi.net (no path).')).trim().replace(/\/+$/, ''),
    demoMode: demo as DemoMode,
    defaultChannel: str('defaultChannel', '', (v) => (/^\d*$/.test(v.trim()) ? undefined : 'a channel id is a number.')).trim(),
    defaultParameters: str('defaults.parameters', '', (v) => (v.trim() === '' || /^\s*--/.test(v) ? undefined : 'parameters start with --.')).trim(),
    output: {
      folder: str('output.folder', 'midjourney', (v) => (v.trim() && !v.includes('..') && !/^([/\\]|[A-Za-z]:)/.test(v.trim()) ? undefined : 'use a workspace-relative folder.')).trim(),
      pattern: str('output.pattern', '{date}/{block}-{prompt}-{index}', (v) => {
        const unknown = (v.match(/\{[^}]*\}/g) ?? []).filter((p) => !PLACEHOLDERS.includes(p));
        if (unknown.length) return `unknown placeholder ${unknown.join(', ')}.`;
        return v.includes('..') ? 'the pattern must stay inside the output folder.' : undefined;
      }),
      autoSave: bool('output.autoSave', false),
    },
    download: {
      auto: bool('download.auto', true),
      maxCacheBytes: num('download.maxCacheMB', 2048, 50, 100000) * 1024 * 1024,
    },
    pollIntervalMs: num('pollIntervalSeconds', 4, 2, 60) * 1000,
    maxConcurrentJobs: Math.floor(num('maxConcurrentJobs', 0, 0, 15)),
    batch: {
      delayMs: num('batch.delaySeconds', 0, 0, 600) * 1000,
      sequential: bool('batch.sequential', false),
    },
    promptsMaxExpansion: Math.floor(num('prompts.maxExpansion', 40, 1, 1000)),
    jobUpdates: str('jobUpdates', 'poll', (v) => (v === 'poll' || v === 'stream' ? undefined : 'must be poll or stream.')) as 'poll' | 'stream',
  };
  return { config, warnings };
}

/** Settings whose change means talking to a different server (the engine is rebuilt). */
export const BACKEND_SETTINGS = ['midjourney.apiBaseUrl', 'midjourney.demoMode'] as const;

/** Settings that are engine options (applied by rebuilding a running engine; nothing is lost). */
export const ENGINE_SETTINGS = ['midjourney.pollIntervalSeconds', 'midjourney.maxConcurrentJobs', 'midjourney.download.auto', 'midjourney.download.maxCacheMB', 'midjourney.jobUpdates', 'midjourney.batch.delaySeconds', 'midjourney.batch.sequential'] as const;
