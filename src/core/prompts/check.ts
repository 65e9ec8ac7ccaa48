// Checks of one parameter's value against the table, for a given model. Used for prompts (with
// diagnostics and fixes) and silently for defaults (a default that would be wrong is left out).
import * as path from 'node:path';
import type { DiagnosticCode, RawDiagnostic, RawEdit } from './diagnostics';
import { choicesFor, closest, describeValues, MODEL_LABEL, numberRangeFor, type Model, type ParamDef } from './params';
import { isImagePath, isUrl, type ParamUse, type Token } from './tokens';

export interface PathEnv {
  fileDir: string;
  workspaceRoot?: string;
  fileExists?: (absPath: string) => boolean;
}

/** Where a workspace image path points: next to the .prompts file first, then the workspace root. */
export function resolveImagePath(text: string, env: PathEnv): { absPath: string; exists: boolean | undefined } {
  const local = path.resolve(env.fileDir, text);
  if (!env.fileExists) return { absPath: local, exists: undefined };
  if (env.fileExists(local)) return { absPath: local, exists: true };
  if (env.workspaceRoot && !path.isAbsolute(text)) {
    const inRoot = path.resolve(env.workspaceRoot, text);
    if (env.fileExists(inRoot)) return { absPath: inRoot, exists: true };
  }
  return { absPath: local, exists: false };
}

export function imageNotFound(t: Token, env: PathEnv): RawDiagnostic | undefined {
  if (!isImagePath(t.text)) return undefined;
  const r = resolveImagePath(t.text, env);
  if (r.exists !== false) return undefined;
  return { start: t.start, end: t.end, severity: 'error', code: 'image-not-found',
    message: `Image not found: ${t.text} (looked next to this file${env.workspaceRoot ? ' and in the workspace folder' : ''}).` };
}

export function replaceFix(t: Token, newText: string, title: string): RawDiagnostic['fix'] {
  return t.exact ? { title, edits: [{ start: t.start, end: t.end, newText }] } : undefined;
}

function problem(code: DiagnosticCode, message: string, from: Token, to: Token, fix?: RawDiagnostic['fix']): RawDiagnostic {
  return { start: from.start, end: to.end, severity: 'error', code, message, fix };
}

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)$/;
const WEIGHT_SUFFIX = /::-?(\d+(\.\d*)?|\.\d+)$/;
const RATIO = /^(\d+):(\d+)$/;
const RATIO_TYPO = /^(\d+)\s*[/xX×.;,]\s*(\d+)$/;

function formatNumber(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

/**
 * The first problem with the value(s) of `p` under `model`, or undefined. `env` enables the image
 * existence check; without it paths are accepted.
 */
export function checkValue(p: ParamUse, def: ParamDef, model: Model, env: PathEnv | undefined): RawDiagnostic | undefined {
  const v = def.value;
  const name = p.nameToken.text;
  const values = p.values;
  const first = values[0];
  if (v.kind === 'flag') {
    if (values.length === 0) return undefined;
    return problem('text-after-parameters', `${name} takes no value, so "${values.map((t) => t.text).join(' ')}" is read as part of the parameters. Put text before the first parameter.`, first, values[values.length - 1]);
  }
  if (values.length === 0) {
    const optional = (v.kind === 'enum' || v.kind === 'refs') && v.optionalValue;
    if (optional) return undefined;
    return problem('missing-value', `${name} needs a value: ${describeValues(def, model)}.`, p.nameToken, p.nameToken);
  }
  const single = v.kind !== 'text' && !(v.kind === 'refs' && v.multiple);
  if (single && values.length > 1) {
    const extra = values.slice(1);
    return problem('text-after-parameters', `${name} takes one value; "${extra.map((t) => t.text).join(' ')}" after it is not part of any parameter. Put text before the first parameter.`, extra[0], extra[extra.length - 1]);
  }
  switch (v.kind) {
    case 'number': {
      const range = numberRangeFor(v, model);
      if (!NUMBER.test(first.text)) return problem('invalid-value', `${name} needs ${describeValues(def, model)}; "${first.text}" is not a number.`, first, first);
      const n = Number(first.text);
      if (v.integer && !Number.isInteger(n)) {
        return problem('invalid-value', `${name} needs a whole number; got ${first.text}.`, first, first, replaceFix(first, String(Math.round(n)), `Round to ${Math.round(n)}`));
      }
      if (n < range.min || n > range.max) {
        const clamped = Math.min(range.max, Math.max(range.min, n));
        return problem('out-of-range', `${name} ${first.text} is out of range for ${MODEL_LABEL[model]}: ${describeValues(def, model)}.`, first, first,
          replaceFix(first, formatNumber(clamped), `Change to ${formatNumber(clamped)}`));
      }
      return undefined;
    }
    case 'numberChoice': {
      const choices = choicesFor(v, model);
      const n = Number(first.text);
      if (!NUMBER.test(first.text)) return problem('invalid-value', `${name} needs ${describeValues(def, model)}; got "${first.text}".`, first, first);
      if (choices.some((c) => Number(c) === n)) return undefined;
      const nearest = [...choices].sort((a, b) => Math.abs(Number(a) - n) - Math.abs(Number(b) - n))[0];
      return problem('out-of-range', `${name} ${first.text} is not available for ${MODEL_LABEL[model]}: ${describeValues(def, model)}.`, first, first,
        replaceFix(first, nearest, `Change to ${nearest}`));
    }
    case 'enum': {
      const choices = choicesFor(v, model);
      const lower = first.text.toLowerCase();
      if (choices.includes(lower)) return undefined;
      const suggestion = closest(lower, choices);
      return problem('invalid-value', `${name} ${first.text} is not valid for ${MODEL_LABEL[model]}: ${describeValues(def, model)}.`, first, first,
        suggestion ? replaceFix(first, suggestion, `Change to ${suggestion}`) : undefined);
    }
    case 'ratio': {
      const m = RATIO.exec(first.text);
      if (m && Number(m[1]) > 0 && Number(m[2]) > 0) return undefined;
      const typo = RATIO_TYPO.exec(first.text);
      const fixed = typo ? `${typo[1]}:${typo[2]}` : undefined;
      return problem('invalid-value', `${name} needs width:height in whole numbers above 0, e.g. 16:9; got "${first.text}".`, first, first,
        fixed ? replaceFix(first, fixed, `Change to ${fixed}`) : undefined);
    }
    case 'text':
      return undefined;
    case 'refs': {
      for (const t of values) {
        const ref = t.text.replace(WEIGHT_SUFFIX, '');
        const ok = (v.accepts.includes('url') && isUrl(ref))
          || (v.accepts.includes('path') && isImagePath(ref))
          || (v.accepts.includes('random') && ref.toLowerCase() === 'random')
          || (v.accepts.includes('code') && (def.name === 'p' ? /^[A-Za-z0-9-]+$/.test(ref) : /^\d+$/.test(ref)));
        if (!ok) return problem('invalid-value', `${name} takes ${describeValues(def, model)}; "${t.text}" is none of these.`, t, t);
        if (env && isImagePath(ref)) {
          const missing = imageNotFound({ ...t, text: ref }, env);
          if (missing) return missing;
        }
      }
      return undefined;
    }
  }
}

/** Edits that delete a parameter and its values together with one adjacent space. */
export function removeParamEdits(p: ParamUse, doc: string): RawEdit[] | undefined {
  const tokens = [p.nameToken, ...p.values];
  if (tokens.some((t) => !t.exact)) return undefined;
  let start = p.nameToken.start;
  let end = tokens[tokens.length - 1].end;
  if (doc.charCodeAt(start - 1) === 32) start--;
  else if (doc.charCodeAt(end) === 32) end++;
  return [{ start, end, newText: '' }];
}
