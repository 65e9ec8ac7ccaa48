// The Midjourney parameter table: every parameter with its aliases, value type and the range it
// accepts per model. Validation, completion and hover all read this one table.
//
// Facts marked [MJ] follow Midjourney's public documentation as of V7 / Niji 6 / Video V1; they are
// not part of the useapi contract and may drift when Midjourney changes a model.

/** A model family as far as parameter rules differ. `legacy` is V1–V5.2 (checked loosely). */
export type Model = 'v7' | 'v6.1' | 'v6' | 'niji7' | 'niji6' | 'niji5' | 'legacy';

export const ALL_MODELS: readonly Model[] = ['v7', 'v6.1', 'v6', 'niji7', 'niji6', 'niji5', 'legacy'];

/** Midjourney's own default when a prompt names no version [MJ]. */
export const DEFAULT_MODEL: Model = 'v7';

export const MODEL_LABEL: Record<Model, string> = {
  v7: 'V7', 'v6.1': 'V6.1', v6: 'V6', niji7: 'Niji 7', niji6: 'Niji 6', niji5: 'Niji 5', legacy: 'V5.2 or older',
};

export interface NumberRange { min: number; max: number }

export type ValueSpec =
  | { kind: 'flag' }
  | { kind: 'number'; integer: boolean; range: NumberRange; byModel?: Partial<Record<Model, NumberRange>>; defaultValue?: number }
  /** One of a list of numbers, compared numerically (`.5` = `0.5`). */
  | { kind: 'numberChoice'; values: readonly string[]; byModel?: Partial<Record<Model, readonly string[]>>; defaultValue?: string }
  | { kind: 'enum'; values: readonly string[]; byModel?: Partial<Record<Model, readonly string[]>>; optionalValue?: boolean }
  | { kind: 'ratio' }
  /** Free text up to the next parameter (`--no`). */
  | { kind: 'text' }
  /** Image references and codes: URLs, workspace paths, numeric codes, `random`. */
  | { kind: 'refs'; accepts: readonly ('url' | 'path' | 'code' | 'random')[]; multiple: boolean; optionalValue?: boolean };

/** How a parameter relates to video jobs (`--video`). */
export type VideoRule = 'only' | 'allowed' | 'no';

/** Parameters of one group exclude each other (`--fast` vs `--relax`); `style` only matters for defaults. */
export type ParamGroup = 'version' | 'speed' | 'visibility' | 'style';

export interface ParamDef {
  name: string;
  aliases: readonly string[];
  value: ValueSpec;
  summary: string;
  /** Models that accept it; undefined = every model. */
  models?: readonly Model[];
  video: VideoRule;
  group?: ParamGroup;
  /** Another parameter this one is meaningless without (a weight needs its reference). */
  needs?: string;
}

const MODERN: readonly Model[] = ['v7', 'v6.1', 'v6', 'niji7', 'niji6'];
const V6_FAMILY: readonly Model[] = ['v6.1', 'v6', 'niji6'];

export const PARAMS: readonly ParamDef[] = [
  { name: 'ar', aliases: ['aspect'], value: { kind: 'ratio' }, video: 'allowed',
    summary: 'Aspect ratio width:height, e.g. `16:9`. Default 1:1.' },
  { name: 'v', aliases: ['version'], group: 'version', video: 'allowed',
    value: { kind: 'enum', values: ['7', '6.1', '6', '5.2', '5.1', '5', '4', '3', '2', '1'] },
    summary: 'Model version. V7 is the default; V6.1 and V6 are still available.' },
  { name: 'niji', aliases: [], group: 'version', video: 'allowed',
    value: { kind: 'enum', values: ['6', '7', '5', '4'], optionalValue: true },
    summary: 'The Niji model (anime and illustration), e.g. `--niji 6`.' },
  { name: 'style', aliases: [], group: 'style', video: 'no',
    value: { kind: 'enum', values: ['raw'], byModel: { niji5: ['cute', 'expressive', 'original', 'scenic'], legacy: ['raw', '4a', '4b', '4c'] } },
    summary: '`--style raw`: less of Midjourney\'s default beautification, more literal results.' },
  { name: 'raw', aliases: [], group: 'style', video: 'allowed', models: [...MODERN, 'legacy'], value: { kind: 'flag' },
    summary: 'Shortcut for `--style raw`; on video jobs, less automatic motion styling.' },
  { name: 's', aliases: ['stylize'], video: 'allowed', value: { kind: 'number', integer: true, range: { min: 0, max: 1000 }, defaultValue: 100 },
    summary: 'How strongly Midjourney\'s aesthetic is applied. 0–1000, default 100.' },
  { name: 'c', aliases: ['chaos'], video: 'allowed', value: { kind: 'number', integer: true, range: { min: 0, max: 100 }, defaultValue: 0 },
    summary: 'How varied the four images of a grid are. 0–100, default 0.' },
  { name: 'q', aliases: ['quality'], video: 'no',
    value: { kind: 'numberChoice', values: ['1', '2', '4'], defaultValue: '1',
      byModel: { v7: ['1', '2', '4'], niji7: ['1', '2', '4'], 'v6.1': ['.25', '.5', '1', '2'], v6: ['.25', '.5', '1'], niji6: ['.25', '.5', '1'], niji5: ['.25', '.5', '1'], legacy: ['.25', '.5', '1', '2'] } },
    summary: 'Rendering time spent; higher costs more GPU time.' },
  { name: 'weird', aliases: ['w'], video: 'no', value: { kind: 'number', integer: true, range: { min: 0, max: 3000 }, defaultValue: 0 },
    summary: 'Quirky, unconventional aesthetics. 0–3000, default 0.' },
  { name: 'seed', aliases: [], video: 'allowed', value: { kind: 'number', integer: true, range: { min: 0, max: 4294967295 } },
    summary: 'Starting noise for reproducible results. 0–4294967295.' },
  { name: 'tile', aliases: [], video: 'no', value: { kind: 'flag' }, summary: 'Images that tile seamlessly as repeating patterns.' },
  { name: 'no', aliases: [], video: 'allowed', value: { kind: 'text' },
    summary: 'Negative prompt: things to leave out, e.g. `--no text, people`.' },
  { name: 'iw', aliases: [], video: 'no',
    value: { kind: 'number', integer: false, range: { min: 0, max: 3 }, byModel: { legacy: { min: 0, max: 2 }, niji5: { min: 0, max: 2 } }, defaultValue: 1 },
    summary: 'Image prompt weight: how much the leading image(s) count against the text. Default 1.' },
  { name: 'sref', aliases: [], video: 'no', models: MODERN,
    value: { kind: 'refs', accepts: ['url', 'path', 'code', 'random'], multiple: true },
    summary: 'Style reference: image URLs/paths or style codes (`--sref 123456`, `--sref random`).' },
  { name: 'sw', aliases: [], video: 'no', models: MODERN, needs: 'sref',
    value: { kind: 'number', integer: true, range: { min: 0, max: 1000 }, defaultValue: 100 },
    summary: 'Style reference weight. 0–1000, default 100.' },
  { name: 'sv', aliases: [], video: 'no', models: MODERN, needs: 'sref',
    value: { kind: 'enum', values: ['6', '4', '1', '2', '3', '5'], byModel: { 'v6.1': ['1', '2', '3', '4'], v6: ['1', '2', '3', '4'], niji6: ['1', '2', '3', '4'] } },
    summary: 'Style reference algorithm version.' },
  { name: 'oref', aliases: [], video: 'no', models: ['v7'], value: { kind: 'refs', accepts: ['url', 'path'], multiple: false },
    summary: 'Omni reference (V7): put a person or object from one image into the result. Costs 2× GPU time.' },
  { name: 'ow', aliases: [], video: 'no', models: ['v7'], needs: 'oref',
    value: { kind: 'number', integer: true, range: { min: 1, max: 1000 }, defaultValue: 100 },
    summary: 'Omni reference weight. 1–1000, default 100.' },
  { name: 'cref', aliases: [], video: 'no', models: V6_FAMILY, value: { kind: 'refs', accepts: ['url', 'path'], multiple: true },
    summary: 'Character reference (V6/V6.1/Niji 6). In V7 use `--oref`.' },
  { name: 'cw', aliases: [], video: 'no', models: V6_FAMILY, needs: 'cref',
    value: { kind: 'number', integer: true, range: { min: 0, max: 100 }, defaultValue: 100 },
    summary: 'Character reference weight: 0 = face only, 100 = face, hair and clothes. Default 100.' },
  { name: 'p', aliases: ['personalize', 'profile'], video: 'no', models: MODERN,
    value: { kind: 'refs', accepts: ['code'], multiple: true, optionalValue: true },
    summary: 'Personalization: your default profile, or profile/moodboard codes.' },
  { name: 'stop', aliases: [], video: 'no', value: { kind: 'number', integer: true, range: { min: 10, max: 100 }, defaultValue: 100 },
    summary: 'Stop rendering early, at 10–100 % (blurrier, less detailed).' },
  { name: 'r', aliases: ['repeat'], video: 'allowed', value: { kind: 'number', integer: true, range: { min: 1, max: 40 } },
    summary: 'Midjourney runs the prompt several times. The API tracks only the first; prefer `@repeat`.' },
  { name: 'draft', aliases: [], video: 'no', models: ['v7'], value: { kind: 'flag' },
    summary: 'Draft mode (V7): about 10× faster and half the GPU cost, lower quality.' },
  { name: 'fast', aliases: [], group: 'speed', video: 'allowed', value: { kind: 'flag' }, summary: 'Run this job in Fast mode (uses fast hours).' },
  { name: 'relax', aliases: [], group: 'speed', video: 'allowed', value: { kind: 'flag' }, summary: 'Run this job in Relax mode (no fast hours; slower).' },
  { name: 'turbo', aliases: [], group: 'speed', video: 'allowed', value: { kind: 'flag' }, summary: 'Run this job in Turbo mode (about 4× faster, 2× the fast hours).' },
  { name: 'video', aliases: [], video: 'only', value: { kind: 'flag' },
    summary: 'Make a video from the start frame: the prompt must begin with an image URL or path.' },
  { name: 'motion', aliases: [], video: 'only', value: { kind: 'enum', values: ['low', 'high'] },
    summary: 'Video motion: `low` (default, calm scenes) or `high` (camera and subject move more).' },
  { name: 'loop', aliases: [], video: 'only', value: { kind: 'flag' }, summary: 'Video ends on its start frame, so it loops seamlessly.' },
  { name: 'end', aliases: [], video: 'only', value: { kind: 'refs', accepts: ['url', 'path'], multiple: false },
    summary: 'End frame of a video: an image URL or path.' },
  { name: 'bs', aliases: [], video: 'only', value: { kind: 'enum', values: ['4', '2', '1'] },
    summary: 'Video batch size: how many videos one job renders (1, 2 or 4; default 4).' },
  { name: 'exp', aliases: [], video: 'no', models: ['v7'], value: { kind: 'number', integer: true, range: { min: 0, max: 100 }, defaultValue: 0 },
    summary: 'Experimental aesthetics (V7): more detail and dynamism. 0–100, default 0.' },
  { name: 'public', aliases: [], group: 'visibility', video: 'allowed', value: { kind: 'flag' }, summary: 'Show this job in the public gallery.' },
  { name: 'stealth', aliases: [], group: 'visibility', video: 'allowed', value: { kind: 'flag' }, summary: 'Hide this job from the public gallery (Pro and Mega plans).' },
  // Removed in V6 and later; accepted by legacy models only.
  ...['hd', 'test', 'testp', 'creative', 'upbeta', 'uplight', 'upanime', 'sameseed'].map((name): ParamDef => ({
    name, aliases: [], video: 'no', models: ['legacy'], value: { kind: 'flag' }, summary: 'Legacy parameter of V5 and older models.',
  })),
];

const BY_NAME = new Map<string, ParamDef>();
for (const def of PARAMS) {
  BY_NAME.set(def.name, def);
  for (const alias of def.aliases) BY_NAME.set(alias, def);
}

/** The definition of `--name` (name without dashes, any case), or undefined. */
export function findParam(name: string): ParamDef | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Every spelling (names and aliases), longest first: used to split `--ar16:9`. */
export const ALL_SPELLINGS: readonly string[] = [...BY_NAME.keys()].sort((a, b) => b.length - a.length);

/** The model a version value selects. */
export function modelOfVersion(kind: 'v' | 'niji', value: string | undefined): Model | undefined {
  if (kind === 'niji') {
    if (value === undefined || value === '6') return 'niji6';
    if (value === '7') return 'niji7';
    if (value === '5' || value === '4') return 'niji5';
    return undefined;
  }
  switch (value) {
    case '7': case '7.0': return 'v7';
    case '6.1': return 'v6.1';
    case '6': case '6.0': return 'v6';
    case undefined: return undefined;
    default: return /^[1-5](\.\d)?$/.test(value) ? 'legacy' : undefined;
  }
}

export function numberRangeFor(spec: Extract<ValueSpec, { kind: 'number' }>, model: Model): NumberRange {
  return spec.byModel?.[model] ?? spec.range;
}

export function choicesFor(spec: Extract<ValueSpec, { kind: 'numberChoice' | 'enum' }>, model: Model): readonly string[] {
  return spec.byModel?.[model] ?? spec.values;
}

export function supportsModel(def: ParamDef, model: Model): boolean {
  return def.models === undefined || def.models.includes(model);
}

/** "0–1000", "one of 1, 2, 4", … for hovers and messages. */
export function describeValues(def: ParamDef, model: Model): string {
  const v = def.value;
  switch (v.kind) {
    case 'flag': return 'no value';
    case 'number': {
      const r = numberRangeFor(v, model);
      const dflt = v.defaultValue === undefined ? '' : `, default ${v.defaultValue}`;
      return `${v.integer ? 'a whole number' : 'a number'} ${r.min}–${r.max}${dflt}`;
    }
    case 'numberChoice': return `one of ${choicesFor(v, model).join(', ')}${v.defaultValue ? `, default ${v.defaultValue}` : ''}`;
    case 'enum': return `${v.optionalValue ? 'optionally ' : ''}one of ${choicesFor(v, model).join(', ')}`;
    case 'ratio': return 'width:height in whole numbers, e.g. 16:9';
    case 'text': return 'words to leave out, comma-separated';
    case 'refs': {
      const kinds = v.accepts.map((a) => ({ url: 'image URLs', path: 'workspace image paths', code: 'codes', random: '`random`' })[a]);
      return `${v.optionalValue ? 'optionally ' : ''}${v.multiple ? 'one or more' : 'one'} of: ${kinds.join(', ')}`;
    }
  }
}

// --- Directives -------------------------------------------------------------------------------

export interface DirectiveDef { name: string; syntax: string; summary: string }

export const DIRECTIVES: readonly DirectiveDef[] = [
  { name: 'defaults', syntax: '@defaults --ar 16:9 --v 7', summary: 'Parameters added to every following prompt that does not set them itself.' },
  { name: 'prefix', syntax: '@prefix cinematic photo of', summary: 'Text put before the text of every following prompt (after its image URLs).' },
  { name: 'suffix', syntax: '@suffix golden hour', summary: 'Text put after the text of every following prompt (before its parameters).' },
  { name: 'channel', syntax: '@channel 1234567890', summary: 'Run the following prompts on this channel (Discord channel id).' },
  { name: 'repeat', syntax: '@repeat 3', summary: 'Send every following prompt this many times (1–40); each run is tracked as its own job.' },
  { name: 'out', syntax: '@out {block}/{prompt}-{index}', summary: 'File name pattern for saved results. Placeholders: {date} {time} {block} {prompt} {jobid} {index} {verb} {button}.' },
  { name: 'var', syntax: '@var hero = a red fox', summary: 'A value inserted wherever `{{hero}}` appears.' },
  { name: 'template', syntax: '@template poster = {{hero}}, vintage travel poster --ar 2:3', summary: 'A reusable prompt piece inserted with `{{poster}}`; may contain parameters, permutations and other `{{names}}`.' },
  { name: 'autopilot', syntax: '@autopilot', summary: 'AI assist picks the best image of each grid (`@autopilot off` turns it off again). Needs `midjourney.ai.enabled`.' },
];

export function findDirective(name: string): DirectiveDef | undefined {
  const lower = name.toLowerCase();
  return DIRECTIVES.find((d) => d.name === lower);
}

export const OUT_PLACEHOLDERS: readonly string[] = ['date', 'time', 'block', 'prompt', 'jobid', 'index', 'verb', 'button'];

// --- Suggestions ------------------------------------------------------------------------------

/** Levenshtein distance, small strings only. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(up + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The closest candidate within a distance that still looks like a typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.min(3, Math.floor(w.length / 2)));
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestDistance || (d === bestDistance && best === undefined)) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
