// The line-level parser of a .prompts file. It never fails: every line becomes a blank, comment,
// block header, directive or prompt, with offsets, and problems become diagnostics.
import { LineIndex, MappedText } from './text';
import type { RawDiagnostic } from './diagnostics';

export interface BlockNode {
  kind: 'block';
  name: string;
  line: number;
  /** Offsets of the header line (`### name`). */
  start: number;
  end: number;
  nameStart: number;
  /** Last line of the block (before the next header or the end of the file). */
  endLine: number;
}

export interface DirectiveNode {
  kind: 'directive';
  /** Lower-case name without `@`. */
  name: string;
  line: number;
  endLine: number;
  start: number;
  end: number;
  nameStart: number;
  nameEnd: number;
  /** Everything after the name, trimmed, continuation lines joined. */
  value: MappedText;
  /** For `@var`/`@template`: the key and the text after `=`. */
  key?: string;
  keyStart?: number;
  keyEnd?: number;
  block?: BlockNode;
}

export interface PromptNode {
  kind: 'prompt';
  line: number;
  endLine: number;
  start: number;
  end: number;
  text: MappedText;
  block?: BlockNode;
}

export interface CommentNode {
  kind: 'comment';
  line: number;
  start: number;
  end: number;
}

export type Node = BlockNode | DirectiveNode | PromptNode | CommentNode;

export interface ParsedFile {
  text: string;
  lines: LineIndex;
  nodes: Node[];
  blocks: BlockNode[];
  prompts: PromptNode[];
  diagnostics: RawDiagnostic[];
}

const DIRECTIVE_NAME = /^@([A-Za-z][\w-]*)/;
const KEY_VALUE = /^([A-Za-z_][\w-]*)\s*=\s*/;

function firstNonSpace(text: string, from: number, to: number): number {
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) break;
    i++;
  }
  return i;
}

function lastNonSpace(text: string, from: number, to: number): number {
  let i = to;
  while (i > from) {
    const c = text.charCodeAt(i - 1);
    if (c !== 32 && c !== 9 && c !== 13) break;
    i--;
  }
  return i;
}

/** True when the content [from, to) ends with a single `\` (a continuation, not an escaped `\\`). */
function endsWithContinuation(text: string, from: number, to: number): boolean {
  if (to <= from || text.charCodeAt(to - 1) !== 92) return false;
  return !(to - 2 >= from && text.charCodeAt(to - 2) === 92);
}

export function parseFile(text: string): ParsedFile {
  const lines = new LineIndex(text);
  const nodes: Node[] = [];
  const blocks: BlockNode[] = [];
  const prompts: PromptNode[] = [];
  const diagnostics: RawDiagnostic[] = [];
  let block: BlockNode | undefined;
  const lineCount = lines.lineCount;

  for (let line = 0; line < lineCount; line++) {
    const lineStart = lines.starts[line];
    const lineEnd = lines.lineEnd(line);
    const start = firstNonSpace(text, lineStart, lineEnd);
    if (start >= lineEnd) continue; // blank line
    const first = text.charCodeAt(start);

    if (first === 35 /* # */) {
      const isHeader = text.startsWith('###', start) && (start + 3 === lineEnd || text.charCodeAt(start + 3) === 32 || text.charCodeAt(start + 3) === 9);
      if (isHeader) {
        if (block) block.endLine = line - 1;
        const nameStart = firstNonSpace(text, start + 3, lineEnd);
        const nameEnd = lastNonSpace(text, nameStart, lineEnd);
        block = { kind: 'block', name: text.slice(nameStart, nameEnd), line, start, end: lineEnd, nameStart, endLine: lineCount - 1 };
        blocks.push(block);
        nodes.push(block);
      } else {
        nodes.push({ kind: 'comment', line, start, end: lineEnd });
      }
      continue;
    }

    // A logical line: this line plus continuation lines that end in `\`.
    const parts: MappedText[] = [];
    let endLine = line;
    let segStart = start;
    let segEnd = lastNonSpace(text, start, lineEnd);
    let end = segEnd;
    while (endsWithContinuation(text, segStart, segEnd)) {
      const content = lastNonSpace(text, segStart, segEnd - 1);
      if (content > segStart) parts.push(MappedText.exact(text.slice(segStart, content), segStart));
      const next = endLine + 1;
      const nextEnd = next < lineCount ? lines.lineEnd(next) : -1;
      const nextStart = next < lineCount ? firstNonSpace(text, lines.starts[next], nextEnd) : -1;
      if (next >= lineCount || nextStart >= nextEnd) {
        diagnostics.push({ start: segEnd - 1, end: segEnd, severity: 'warning', code: 'dangling-continuation',
          message: 'The line ends with `\\` but no line follows it: the prompt ends here.',
          fix: { title: 'Remove the trailing `\\`', edits: [{ start: content, end: segEnd, newText: '' }] } });
        segStart = segEnd; // nothing more to add
        break;
      }
      endLine = next;
      segStart = nextStart;
      segEnd = lastNonSpace(text, nextStart, nextEnd);
      end = segEnd;
    }
    if (segEnd > segStart) parts.push(MappedText.exact(text.slice(segStart, segEnd), segStart));
    const logical = MappedText.concat(parts, ' ');
    line = endLine;

    if (first === 64 /* @ */) {
      nodes.push(parseDirective(logical, start, end, lines, block, diagnostics));
    } else {
      const prompt: PromptNode = { kind: 'prompt', line: lines.lineOf(start), endLine, start, end, text: logical, block };
      prompts.push(prompt);
      nodes.push(prompt);
    }
  }
  return { text, lines, nodes, blocks, prompts, diagnostics };
}

function parseDirective(logical: MappedText, start: number, end: number, lines: LineIndex, block: BlockNode | undefined, diagnostics: RawDiagnostic[]): DirectiveNode {
  const raw = logical.text;
  const m = DIRECTIVE_NAME.exec(raw);
  const nameLen = m ? m[0].length : 1;
  const name = m ? m[1].toLowerCase() : '';
  let valueStart = nameLen;
  while (valueStart < raw.length && (raw.charCodeAt(valueStart) === 32 || raw.charCodeAt(valueStart) === 9)) valueStart++;
  const node: DirectiveNode = {
    kind: 'directive', name, line: lines.lineOf(start), endLine: lines.lineOf(end), start, end,
    nameStart: start, nameEnd: logical.endOf(nameLen), value: logical.slice(valueStart, raw.length), block,
  };
  if (!m) {
    diagnostics.push({ start, end, severity: 'error', code: 'unknown-directive', message: 'A line starting with `@` is a directive, but no name follows the `@`.' });
    return node;
  }
  if (name === 'var' || name === 'template') {
    const kv = KEY_VALUE.exec(node.value.text);
    if (!kv) {
      diagnostics.push({ start, end, severity: 'error', code: 'invalid-directive',
        message: `Write \`@${name} name = value\` (a name of letters, digits, _ or -, then =).` });
      node.key = undefined;
    } else {
      node.key = kv[1];
      node.keyStart = node.value.startOf(0);
      node.keyEnd = node.value.endOf(kv[1].length);
      node.value = node.value.slice(kv[0].length, node.value.text.length);
    }
  }
  return node;
}
