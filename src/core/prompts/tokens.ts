// Words of a prompt: leading image references, text, and `--parameters` with their values.
import { findParam, type ParamDef } from './params';
import type { MappedText } from './text';

/** Where a token came from: the prompt itself, a text directive, or a default. */
export type Origin = 'prompt' | 'prefix' | 'suffix' | 'defaults' | 'setting';

export interface Token {
  text: string;
  /** Document offsets (for `setting` tokens: -1). */
  start: number;
  end: number;
  /** Typed exactly here, so a quick fix may edit it. */
  exact: boolean;
  origin: Origin;
}

export interface ParamUse {
  /** The `--name` token. */
  nameToken: Token;
  /** Lower-case spelling without dashes, e.g. `aspect`. */
  spelled: string;
  def?: ParamDef;
  values: Token[];
  /** Written with an em dash (`—ar`), which some keyboards produce from `--`. */
  emDash: boolean;
}

export interface PromptParts {
  images: Token[];
  words: Token[];
  params: ParamUse[];
}

const IMAGE_EXT = /\.(png|jpe?g|webp|gif)$/i;
const URL = /^https?:\/\/\S+$/i;

export function isUrl(text: string): boolean {
  return URL.test(text);
}

/** A workspace image path (relative or absolute), not a URL. */
export function isImagePath(text: string): boolean {
  return IMAGE_EXT.test(text) && !URL.test(text) && !text.startsWith('--');
}

/** `--x` or `—x` followed by a letter. */
export function isParamToken(text: string): boolean {
  const c0 = text.charCodeAt(0);
  if (c0 === 0x2014) return text.length > 1 && isLetter(text.charCodeAt(1));
  return c0 === 45 && text.charCodeAt(1) === 45 && text.length > 2 && isLetter(text.charCodeAt(2));
}

/** Local copy of the whitespace test: this loop is the hottest of the checker. */
function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 10 || code === 0xa0 || code === 0x3000;
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

export function tokenize(mt: MappedText, origin: Origin): Token[] {
  const text = mt.text;
  const out: Token[] = [];
  const single = mt.segments.length === 1 && mt.segments[0].exact ? mt.segments[0].src : -1;
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const a = i;
    while (i < n && !isSpace(text.charCodeAt(i))) i++;
    if (single >= 0) {
      out.push({ text: text.slice(a, i), start: single + a, end: single + i, exact: true, origin });
    } else {
      out.push({ text: text.slice(a, i), start: mt.startOf(a), end: mt.endOf(i), exact: mt.isExact(a, i), origin });
    }
  }
  return out;
}

/** Split tokens into leading images, text words and parameters. */
export function classify(tokens: readonly Token[]): PromptParts {
  const images: Token[] = [];
  const words: Token[] = [];
  const params: ParamUse[] = [];
  let i = 0;
  while (i < tokens.length && (isUrl(tokens[i].text) || isImagePath(tokens[i].text))) images.push(tokens[i++]);
  while (i < tokens.length && !isParamToken(tokens[i].text)) words.push(tokens[i++]);
  let current: ParamUse | undefined;
  for (; i < tokens.length; i++) {
    const t = tokens[i];
    if (isParamToken(t.text)) {
      const emDash = t.text.charCodeAt(0) === 0x2014;
      const spelled = t.text.slice(emDash ? 1 : 2).toLowerCase();
      current = { nameToken: t, spelled, def: findParam(spelled), values: [], emDash };
      params.push(current);
    } else if (current) {
      current.values.push(t);
    }
  }
  return { images, words, params };
}

/** The text of a parameter as it is sent: `--name value…`. */
export function paramText(p: ParamUse): string {
  if (p.values.length === 0) return p.nameToken.text;
  return p.nameToken.text + ' ' + p.values.map((v) => v.text).join(' ');
}
