// The Imagine command's parameter builder: turns the user's choices into one prompt string.
// Version-aware (PREDECESSOR D-19): each model version offers only the values it accepts. Pure, no
// vscode. Unlike the predecessor it adds no implicit defaults (D-20), keeps zero weights (D-18),
// validates the seed (D-22) and never repeats a flag the user already typed in the prompt.

export interface ModelVersion {
  /** What the user picks, e.g. "7", "6.1", "niji 6". */
  id: string;
  /** The flag text, e.g. "--v 7" or "--niji 6". */
  flag: string;
  quality: readonly string[];
  imageWeightMax: number;
  omniReference: boolean;
  characterReference: boolean;
  raw: boolean;
}

export const MODEL_VERSIONS: readonly ModelVersion[] = [
  { id: '7', flag: '--v 7', quality: ['1', '2', '4'], imageWeightMax: 3, omniReference: true, characterReference: false, raw: true },
  { id: '6.1', flag: '--v 6.1', quality: ['.25', '.5', '1', '2'], imageWeightMax: 3, omniReference: false, characterReference: true, raw: true },
  { id: '6', flag: '--v 6', quality: ['.25', '.5', '1', '2'], imageWeightMax: 3, omniReference: false, characterReference: true, raw: true },
  { id: 'niji 6', flag: '--niji 6', quality: ['.25', '.5', '1', '2'], imageWeightMax: 3, omniReference: false, characterReference: true, raw: true },
  { id: '5.2', flag: '--v 5.2', quality: ['.25', '.5', '1'], imageWeightMax: 2, omniReference: false, characterReference: false, raw: true },
  { id: '5.1', flag: '--v 5.1', quality: ['.25', '.5', '1'], imageWeightMax: 2, omniReference: false, characterReference: false, raw: true },
  { id: '5', flag: '--v 5', quality: ['.25', '.5', '1'], imageWeightMax: 2, omniReference: false, characterReference: false, raw: false },
  { id: 'niji 5', flag: '--niji 5', quality: ['.25', '.5', '1'], imageWeightMax: 2, omniReference: false, characterReference: false, raw: false },
];

/** The account's default model: Midjourney V7. */
export const DEFAULT_VERSION = MODEL_VERSIONS[0];

export function findVersion(id: string | undefined): ModelVersion {
  return MODEL_VERSIONS.find((v) => v.id === id) ?? DEFAULT_VERSION;
}

export const ASPECT_RATIOS: readonly string[] = ['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3', '21:9', '9:21'];

export const STYLIZE_PRESETS: readonly { label: string; value: number }[] = [
  { label: 'Low', value: 50 },
  { label: 'Medium (Midjourney default)', value: 100 },
  { label: 'High', value: 250 },
  { label: 'Very high', value: 750 },
];

/** Quick templates: starting texts only, they set no parameter. */
export const QUICK_TEMPLATES: readonly { label: string; text: string }[] = [
  { label: 'Landscape', text: 'a wide scenic landscape, snowy mountains above a still lake at sunset, volumetric light' },
  { label: 'Portrait', text: 'a studio portrait with soft key light, sharp focus on the eyes, 85mm lens' },
  { label: 'Concept art', text: 'fantasy concept art, a detailed digital painting of' },
  { label: 'Photo', text: 'a natural-light photograph with shallow depth of field and soft bokeh of' },
];

export const MAX_PROMPT_LENGTH = 5000;
export const MAX_SEED = 4294967295;

export interface ImagineChoices {
  prompt: string;
  aspectRatio?: string;
  /** Undefined: the account's default version (no flag). */
  version?: string;
  stylize?: number;
  chaos?: number;
  quality?: string;
  weird?: number;
  raw?: boolean;
  seed?: number;
  tile?: boolean;
  no?: string;
  /** Image prompts: URLs placed before the text. */
  imagePrompts?: readonly string[];
  imageWeight?: number;
  styleReference?: string;
  styleWeight?: number;
  /** V7 omni reference (--oref/--ow). */
  omniReference?: string;
  omniWeight?: number;
  /** V6 character reference (--cref/--cw). */
  characterReference?: string;
  characterWeight?: number;
}

export interface BuiltPrompt {
  prompt: string;
  /** Why the choices cannot be sent as they are; empty when fine. */
  problems: string[];
}

function hasFlag(text: string, flag: string): boolean {
  return new RegExp(`(^|\\s)--${flag}(\\s|$)`).test(text);
}

function inRange(problems: string[], name: string, value: number | undefined, min: number, max: number, integer = true): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    problems.push(`${name} must be ${integer ? 'a whole number ' : ''}from ${min} to ${max}.`);
  }
}

export function isHttpUrl(text: string): boolean {
  return /^https?:\/\/\S+$/i.test(text.trim());
}

/** Parse a seed typed by the user; undefined when it is not a valid seed. */
export function parseSeed(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d{1,10}$/.test(t)) return undefined;
  const n = Number(t);
  return n <= MAX_SEED ? n : undefined;
}

export function buildImaginePrompt(choices: ImagineChoices): BuiltPrompt {
  const problems: string[] = [];
  const text = choices.prompt.trim();
  const version = choices.version === undefined ? undefined : MODEL_VERSIONS.find((v) => v.id === choices.version);
  if (choices.version !== undefined && !version) problems.push(`Unknown model version "${choices.version}".`);
  const effective = version ?? DEFAULT_VERSION;

  inRange(problems, 'Stylize', choices.stylize, 0, 1000);
  inRange(problems, 'Chaos', choices.chaos, 0, 100);
  inRange(problems, 'Weird', choices.weird, 0, 3000);
  inRange(problems, 'Seed', choices.seed, 0, MAX_SEED);
  inRange(problems, 'Image weight', choices.imageWeight, 0, effective.imageWeightMax, false);
  inRange(problems, 'Style weight', choices.styleWeight, 0, 1000);
  inRange(problems, 'Omni weight', choices.omniWeight, 1, 1000);
  inRange(problems, 'Character weight', choices.characterWeight, 0, 100);
  if (choices.quality !== undefined && !effective.quality.includes(choices.quality)) {
    problems.push(`Quality ${choices.quality} is not available for version ${effective.id} (use ${effective.quality.join(', ')}).`);
  }
  if (choices.aspectRatio !== undefined && !/^\d+:\d+$/.test(choices.aspectRatio)) problems.push(`Aspect ratio "${choices.aspectRatio}" is not W:H.`);
  if (choices.omniReference && !effective.omniReference) problems.push(`Omni reference (--oref) needs version 7; use a character reference (--cref) with version ${effective.id}.`);
  if (choices.characterReference && !effective.characterReference) problems.push(`Character reference (--cref) is a version 6 feature; with version ${effective.id} use ${effective.omniReference ? 'an omni reference (--oref)' : 'an image prompt'}.`);
  if (choices.raw && !effective.raw) problems.push(`Raw mode is not available for version ${effective.id}.`);
  for (const url of [...(choices.imagePrompts ?? []), choices.styleReference, choices.omniReference, choices.characterReference]) {
    if (url !== undefined && url !== '' && !isHttpUrl(url)) problems.push(`"${url}" is not an http(s) URL.`);
  }

  const parts: string[] = [];
  for (const url of choices.imagePrompts ?? []) if (url.trim()) parts.push(url.trim());
  if (text) parts.push(text);
  const add = (flag: string, value?: string | number | boolean): void => {
    if (value === undefined || value === false || value === '') return;
    if (hasFlag(text, flag)) return; // the user's own flag wins
    parts.push(value === true ? `--${flag}` : `--${flag} ${String(value)}`);
  };
  if (choices.aspectRatio && choices.aspectRatio !== '1:1') add('ar', choices.aspectRatio);
  if (version && !hasFlag(text, 'v') && !hasFlag(text, 'niji') && !hasFlag(text, 'version')) parts.push(version.flag);
  add('s', choices.stylize);
  add('c', choices.chaos);
  add('q', choices.quality);
  add('weird', choices.weird);
  add('seed', choices.seed);
  add('tile', choices.tile);
  add('raw', choices.raw);
  add('no', choices.no?.trim());
  add('sref', choices.styleReference?.trim());
  if (choices.styleReference) add('sw', choices.styleWeight);
  add('oref', choices.omniReference?.trim());
  if (choices.omniReference) add('ow', choices.omniWeight);
  add('cref', choices.characterReference?.trim());
  if (choices.characterReference) add('cw', choices.characterWeight);
  if ((choices.imagePrompts ?? []).some((u) => u.trim())) add('iw', choices.imageWeight);

  const prompt = parts.join(' ');
  if (!text && !(choices.imagePrompts ?? []).length) problems.push('The prompt is empty.');
  if (prompt.length > MAX_PROMPT_LENGTH) problems.push(`The prompt is ${prompt.length} characters long; Midjourney accepts at most ${MAX_PROMPT_LENGTH}.`);
  return { prompt, problems };
}

export interface AnimateChoices {
  /** Start frame: a public http(s) URL (Midjourney video is image-to-video). */
  startUrl: string;
  endUrl?: string;
  prompt?: string;
  motion?: 'low' | 'high';
  loop?: boolean;
  raw?: boolean;
}

/** The `--video` imagine prompt for Animate: start frame first, then text and video parameters. */
export function buildAnimatePrompt(choices: AnimateChoices): BuiltPrompt {
  const problems: string[] = [];
  if (!isHttpUrl(choices.startUrl)) problems.push('The start frame must be an http(s) URL.');
  if (choices.endUrl && !isHttpUrl(choices.endUrl)) problems.push('The end frame must be an http(s) URL.');
  if (choices.loop && choices.endUrl) problems.push('Loop and an end frame exclude each other: a loop ends on its start frame.');
  const parts = [choices.startUrl.trim()];
  if (choices.prompt?.trim()) parts.push(choices.prompt.trim());
  parts.push('--video', '--motion', choices.motion ?? 'low');
  if (choices.endUrl) parts.push('--end', choices.endUrl.trim());
  if (choices.loop) parts.push('--loop');
  if (choices.raw) parts.push('--raw');
  const prompt = parts.join(' ');
  if (prompt.length > MAX_PROMPT_LENGTH) problems.push(`The prompt is longer than ${MAX_PROMPT_LENGTH} characters.`);
  return { prompt, problems };
}

/** Buttons that accept an optional new prompt when Remix is on (CONTRACT §4). */
export function acceptsRemixPrompt(label: string): boolean {
  return /^V[1-4]$/.test(label) || /^Vary \((Subtle|Strong|Region)\)$/.test(label) || ['⬅️', '➡️', '⬆️', '⬇️', '🔄'].includes(label);
}

/** Appends each `--flag value` of `defaults` that the prompt does not set itself. */
export function withDefaultParameters(prompt: string, defaults: string): string {
  const flags = defaults.trim().split(/\s+(?=--)/).filter((f) => f.startsWith('--'));
  const missing = flags.filter((flag) => {
    const name = /^--(\S+)/.exec(flag)?.[1] ?? '';
    if ((name === 'v' || name === 'version' || name === 'niji') && /(^|\s)--(v|version|niji)(\s|$)/.test(prompt)) return false;
    return !hasFlag(prompt, name);
  });
  return missing.length ? `${prompt} ${missing.join(' ')}` : prompt;
}
