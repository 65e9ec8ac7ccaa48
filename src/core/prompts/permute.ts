// `{{name}}` insertion and Midjourney permutations (`{red, blue} castle`, nested, `\,` escapes).
import type { RawDiagnostic } from './diagnostics';
import { closest } from './params';
import { MappedText } from './text';

export interface NamedText {
  kind: 'var' | 'template';
  value: MappedText;
}

const REF = /\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/g;

/** Replace every `{{name}}` by its value (recursively); unknown names become empty text. */
export function insertNames(mt: MappedText, names: ReadonlyMap<string, NamedText>, diagnostics: RawDiagnostic[], stack: readonly string[] = []): MappedText {
  const text = mt.text;
  if (text.indexOf('{{') === -1) return mt;
  const parts: MappedText[] = [];
  let last = 0;
  REF.lastIndex = 0;
  const matches = [...text.matchAll(REF)];
  for (const m of matches) {
    const at = m.index;
    const end = at + m[0].length;
    const name = m[1];
    const start = mt.startOf(at);
    const stop = mt.endOf(end);
    parts.push(mt.slice(last, at));
    last = end;
    const def = names.get(name);
    if (!def) {
      const suggestion = closest(name, names.keys());
      const d: RawDiagnostic = { start, end: stop, severity: 'error', code: 'unknown-name',
        message: `No @var or @template named "${name}" is defined above this line${suggestion ? `. Did you mean "${suggestion}"?` : '.'}` };
      if (suggestion && mt.isExact(at, end)) d.fix = { title: `Change to {{${suggestion}}}`, edits: [{ start, end: stop, newText: `{{${suggestion}}}` }] };
      diagnostics.push(d);
      continue;
    }
    if (stack.includes(name)) {
      diagnostics.push({ start, end: stop, severity: 'error', code: 'recursive-template',
        message: `"${name}" refers to itself (${[...stack, name].join(' → ')}).` });
      continue;
    }
    const value = insertNames(def.value, names, diagnostics, [...stack, name]);
    parts.push(MappedText.inserted(value.text, start, stop));
  }
  parts.push(mt.slice(last, text.length));
  return MappedText.concat(parts.filter((p) => p.text.length > 0 || parts.length === 1));
}

type Item = { kind: 'text'; a: number; b: number } | { kind: 'group'; alts: Item[][] };

interface BraceParse { seq: Item[]; problems: { at: number; message: string }[] }

/** Deeper nesting is an error: the parse, count and expansion recurse once per level (no stack overflow). */
const MAX_BRACE_DEPTH = 32;

function parseBraces(text: string): BraceParse {
  const problems: { at: number; message: string }[] = [];
  let i = 0;
  const n = text.length;
  let depth = 0;

  // Reads a sequence until `,` or `}` (inside a group) or the end.
  function seq(inGroup: boolean): Item[] {
    const items: Item[] = [];
    let runStart = i;
    const flush = (end: number): void => {
      if (end > runStart) items.push({ kind: 'text', a: runStart, b: end });
    };
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 92 /* \ */ && i + 1 < n && '{},\\'.includes(text[i + 1])) {
        flush(i);
        items.push({ kind: 'text', a: i + 1, b: i + 2 });
        i += 2;
        runStart = i;
      } else if (c === 123 /* { */ && depth >= MAX_BRACE_DEPTH) {
        problems.push({ at: i, message: `Permutations nest more than ${MAX_BRACE_DEPTH} levels deep here; flatten them or write \\{ for a literal brace.` });
        i++;
      } else if (c === 123 /* { */) {
        flush(i);
        const open = i;
        i++;
        depth++;
        const alts: Item[][] = [seq(true)];
        while (i < n && text.charCodeAt(i) === 44) {
          i++;
          alts.push(seq(true));
        }
        depth--;
        if (i < n && text.charCodeAt(i) === 125) i++;
        else problems.push({ at: open, message: 'This `{` is never closed: permutations are written `{a, b}`.' });
        items.push({ kind: 'group', alts });
        runStart = i;
      } else if (inGroup && (c === 44 || c === 125)) {
        break;
      } else if (c === 125) {
        problems.push({ at: i, message: 'This `}` has no matching `{`. Write `\\}` for a literal brace.' });
        i++;
      } else {
        i++;
      }
    }
    flush(i);
    return items;
  }
  return { seq: seq(false), problems };
}

function countSeq(seq: readonly Item[]): number {
  let n = 1;
  for (const item of seq) {
    if (item.kind === 'group') {
      let sum = 0;
      for (const alt of item.alts) sum += countSeq(alt);
      n *= sum;
      if (n > 1e12) return 1e12;
    }
  }
  return n;
}

type Ranges = [number, number][];

function enumerate(seq: readonly Item[], limit: number): Ranges[] {
  let acc: Ranges[] = [[]];
  for (const item of seq) {
    if (item.kind === 'text') {
      for (const r of acc) r.push([item.a, item.b]);
      continue;
    }
    const options: Ranges[] = [];
    for (const alt of item.alts) {
      for (const v of enumerate(alt, limit)) {
        options.push(v);
        if (options.length >= limit) break;
      }
    }
    const next: Ranges[] = [];
    outer: for (const r of acc) {
      for (const o of options) {
        next.push([...r, ...o]);
        if (next.length >= limit) break outer;
      }
    }
    acc = next;
  }
  return acc;
}

export interface Permutations {
  /** How many variants the text expands to (may exceed `variants.length`). */
  count: number;
  /** Up to `limit` variants, in Midjourney's order. */
  variants: MappedText[];
}

/** Expand permutations; at most `limit` variants are built. Brace problems become diagnostics. */
export function permute(mt: MappedText, limit: number, diagnostics: RawDiagnostic[]): Permutations {
  const text = mt.text;
  if (text.indexOf('{') === -1 && text.indexOf('}') === -1 && text.indexOf('\\') === -1) return { count: 1, variants: [mt] };
  const parsed = parseBraces(text);
  for (const p of parsed.problems) {
    diagnostics.push({ start: mt.startOf(p.at), end: mt.endOf(p.at + 1), severity: 'error', code: 'unbalanced-braces', message: p.message });
  }
  const count = countSeq(parsed.seq);
  const variants = enumerate(parsed.seq, Math.max(1, limit)).map((ranges) => MappedText.concat(ranges.map(([a, b]) => mt.slice(a, b))));
  return { count, variants };
}
