// Text with a map back to document offsets. Continuation lines, `{{name}}` insertions and
// permutations all produce strings whose characters came from different places in the file; a
// MappedText remembers where, so every diagnostic lands on the characters the user typed.

/** A run of characters: `exact` runs map char by char; inserted runs map to the whole source range. */
export interface Segment {
  /** Index in the mapped text. */
  at: number;
  len: number;
  /** Document offset of the first character (exact) or of the whole source range (inserted). */
  src: number;
  srcEnd: number;
  exact: boolean;
}

const EMPTY_SEGMENT: Segment = { at: 0, len: 0, src: 0, srcEnd: 0, exact: false };

export class MappedText {
  constructor(readonly text: string, readonly segments: readonly Segment[]) {}

  static exact(text: string, src: number): MappedText {
    return new MappedText(text, [{ at: 0, len: text.length, src, srcEnd: src + text.length, exact: true }]);
  }

  /** Text that came from elsewhere (a template): every character maps to [src, srcEnd). */
  static inserted(text: string, src: number, srcEnd: number): MappedText {
    return new MappedText(text, [{ at: 0, len: text.length, src, srcEnd, exact: false }]);
  }

  static concat(parts: readonly MappedText[], separator = ''): MappedText {
    if (parts.length === 1) return parts[0];
    let text = '';
    const segments: Segment[] = [];
    parts.forEach((p, i) => {
      if (i > 0 && separator) {
        const prev = segments[segments.length - 1];
        const at = prev ? prev.srcEnd : 0;
        segments.push({ at: text.length, len: separator.length, src: at, srcEnd: at, exact: false });
        text += separator;
      }
      for (const s of p.segments) segments.push({ ...s, at: s.at + text.length });
      text += p.text;
    });
    return new MappedText(text, segments);
  }

  private segmentAt(i: number): Segment {
    const segs = this.segments;
    if (segs.length === 1) return segs[0];
    if (segs.length === 0) return EMPTY_SEGMENT;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid].at <= i) lo = mid;
      else hi = mid - 1;
    }
    return segs[lo];
  }

  /** Document offset where character i starts. */
  startOf(i: number): number {
    const s = this.segmentAt(i);
    return s.exact ? s.src + (i - s.at) : s.src;
  }

  /** Document offset just after character i - 1 (for an exclusive end index). */
  endOf(end: number): number {
    if (end <= 0) return this.startOf(0);
    const s = this.segmentAt(end - 1);
    return s.exact ? s.src + (end - s.at) : s.srcEnd;
  }

  /** True when [start, end) was typed as-is in one place, so an edit of it can be offered. */
  isExact(start: number, end: number): boolean {
    if (end <= start) return false;
    const a = this.segmentAt(start);
    return a.exact && a === this.segmentAt(end - 1);
  }

  slice(start: number, end: number): MappedText {
    const out: Segment[] = [];
    for (const s of this.segments) {
      const a = Math.max(start, s.at);
      const b = Math.min(end, s.at + s.len);
      if (a >= b) continue;
      out.push(s.exact
        ? { at: a - start, len: b - a, src: s.src + (a - s.at), srcEnd: s.src + (b - s.at), exact: true }
        : { at: a - start, len: b - a, src: s.src, srcEnd: s.srcEnd, exact: false });
    }
    return new MappedText(this.text.slice(start, end), out);
  }
}

/** Line starts of a document: offset ↔ (line, column), both 0-based. Handles LF and CRLF. */
export class LineIndex {
  readonly starts: number[];
  constructor(readonly text: string) {
    const starts = [0];
    let i = text.indexOf('\n');
    while (i !== -1) {
      starts.push(i + 1);
      i = text.indexOf('\n', i + 1);
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineOf(offset: number): number {
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  position(offset: number): { line: number; column: number } {
    const line = this.lineOf(offset);
    return { line, column: offset - this.starts[line] };
  }

  offsetAt(line: number, column: number): number {
    if (line < 0) return 0;
    if (line >= this.starts.length) return this.text.length;
    return Math.min(this.starts[line] + column, this.lineEnd(line));
  }

  /** Offset of the end of the line's content (before CR LF). */
  lineEnd(line: number): number {
    let end = line + 1 < this.starts.length ? this.starts[line + 1] - 1 : this.text.length;
    if (end > this.starts[line] && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.starts[line], this.lineEnd(line));
  }
}

export function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 10 || code === 0xa0 || code === 0x3000;
}
