// Completion candidates at an offset: directives after `@`, parameters after `--`, values after a
// parameter, names inside `{{`, placeholders in `@out`. Offsets in, offsets out.
import type { FileAnalysis } from './analyze';
import {
  DEFAULT_MODEL, DIRECTIVES, MODEL_LABEL, OUT_PLACEHOLDERS, PARAMS, choicesFor, describeValues, findParam,
  supportsModel, type Model, type ParamDef,
} from './params';

export type CompletionKind = 'directive' | 'parameter' | 'value' | 'name' | 'placeholder';

export interface CompletionCandidate {
  label: string;
  kind: CompletionKind;
  insertText: string;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** Document offsets of the text the candidate replaces. */
  replaceStart: number;
  replaceEnd: number;
  /** Sorts before others (e.g. parameters valid for the prompt's model). */
  preferred?: boolean;
}

/** Values worth offering first; presets follow the predecessor's choices where it had them. */
const VALUE_SUGGESTIONS: Record<string, readonly string[]> = {
  ar: ['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3', '21:9', '9:21'],
  s: ['50', '100', '250', '750', '1000', '0'],
  c: ['0', '10', '25', '50', '100'],
  weird: ['250', '500', '1000', '3000'],
  iw: ['0.5', '1', '2', '3'],
  sw: ['50', '100', '200', '500', '1000', '0'],
  cw: ['0', '50', '100'],
  ow: ['25', '100', '400', '1000'],
  exp: ['5', '10', '25', '50', '100'],
  stop: ['25', '50', '75', '100'],
  r: ['2', '4'],
  sref: ['random'],
};

export function namesAt(analysis: FileAnalysis, offset: number): Map<string, 'var' | 'template'> {
  const names = new Map<string, 'var' | 'template'>();
  let blockNames: Map<string, 'var' | 'template'> | undefined;
  for (const node of analysis.parsed.nodes) {
    if (node.start > offset) break;
    if (node.kind === 'block') blockNames = new Map();
    if (node.kind === 'directive' && node.key && (node.name === 'var' || node.name === 'template') && node.end < offset) {
      (blockNames ?? names).set(node.key, node.name);
    }
  }
  return new Map([...names, ...(blockNames ?? [])]);
}

function modelAt(analysis: FileAnalysis, offset: number): Model {
  const p = analysis.prompts.find((x) => x.node.start <= offset && offset <= x.node.end + 1);
  return p?.model ?? DEFAULT_MODEL;
}

function paramDoc(def: ParamDef, model: Model): string {
  const aliases = def.aliases.length ? ` (also ${def.aliases.map((a) => '--' + a).join(', ')})` : '';
  const models = def.models ? `\n\nModels: ${def.models.map((m) => MODEL_LABEL[m]).join(', ')}.` : '';
  const video = def.video === 'only' ? '\n\nVideo prompts only (`--video`).' : def.video === 'no' ? '\n\nNot used by video jobs.' : '';
  return `**--${def.name}**${aliases}: ${def.summary}\n\nValue: ${describeValues(def, model)} (${MODEL_LABEL[model]}).${models}${video}`;
}

export { paramDoc };

export function completeAt(analysis: FileAnalysis, offset: number): CompletionCandidate[] {
  const lines = analysis.parsed.lines;
  const text = analysis.parsed.text;
  const line = lines.lineOf(offset);
  const lineStart = lines.starts[line];
  const before = text.slice(lineStart, offset);
  let wordEnd = offset;
  while (wordEnd < text.length && !/\s/.test(text[wordEnd])) wordEnd++;

  // Directives at the start of a line.
  const directive = /^\s*@([\w-]*)$/.exec(before);
  if (directive) {
    const start = offset - directive[1].length - 1;
    return DIRECTIVES.map((d) => ({ label: '@' + d.name, kind: 'directive', insertText: '@' + d.name + ' ', detail: d.syntax,
      documentation: d.summary, replaceStart: start, replaceEnd: wordEnd }));
  }
  // Names inside {{ }}.
  const ref = /\{\{\s*([\w-]*)$/.exec(before);
  if (ref) {
    const start = offset - ref[1].length;
    let end = offset;
    while (end < text.length && /[\w-]/.test(text[end])) end++;
    const closing = text.startsWith('}}', end) ? '' : '}}';
    return [...namesAt(analysis, offset)].map(([name, kind]) => ({ label: name, kind: 'name', insertText: name + closing,
      detail: `@${kind}`, replaceStart: start, replaceEnd: end }));
  }
  // Placeholders in @out.
  const out = /^\s*@out\s.*\{(\w*)$/.exec(before);
  if (out) {
    const start = offset - out[1].length;
    return OUT_PLACEHOLDERS.map((p) => ({ label: p, kind: 'placeholder', insertText: p + '}', replaceStart: start, replaceEnd: offset }));
  }
  if (/^\s*#/.test(before)) return [];
  if (/^\s*@(?!defaults\b)/.test(lines.lineText(line))) return [];

  const model = modelAt(analysis, offset);
  // A parameter name being typed.
  const word = /(--|—|-)([\w-]*)$/.exec(before);
  if (word && (word.index === 0 || /\s/.test(before[word.index - 1]))) {
    const start = offset - word[0].length;
    return PARAMS.filter((d) => !(d.models?.length === 1 && d.models[0] === 'legacy')).map((d) => {
      const ok = supportsModel(d, model);
      return { label: '--' + d.name, kind: 'parameter', insertText: '--' + d.name + (d.value.kind === 'flag' ? '' : ' '),
        detail: ok ? d.summary.split(/(?<=\.) /)[0] : `not for ${MODEL_LABEL[model]}`, documentation: paramDoc(d, model),
        replaceStart: start, replaceEnd: wordEnd, preferred: ok };
    });
  }
  // A value after a parameter.
  const value = /(?:^|\s)(?:--|—)([A-Za-z]+)\s+([^\s]*)$/.exec(before);
  if (value) {
    const def = findParam(value[1]);
    if (!def) return [];
    const start = offset - value[2].length;
    return valuesFor(def, model).map((v) => ({ label: v, kind: 'value', insertText: v, detail: `--${def.name} ${v}`,
      replaceStart: start, replaceEnd: wordEnd }));
  }
  return [];
}

function valuesFor(def: ParamDef, model: Model): string[] {
  const v = def.value;
  if (v.kind === 'enum' || v.kind === 'numberChoice') return [...choicesFor(v, model)];
  const suggested = VALUE_SUGGESTIONS[def.name];
  if (suggested) return [...suggested];
  return [];
}
