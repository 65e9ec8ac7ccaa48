// Server-sent events of a job POST (CONTRACT.md §5): `data: <json>` messages separated by blank lines,
// the event name inside the JSON. Framing is left to eventsource-parser; comments are ignored.
import { createParser } from 'eventsource-parser';

/** Yields the `data` payload of every SSE message in `body`, in order. Ends when the body ends. */
export async function* sseDataMessages(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const pending: string[] = [];
  const parser = createParser({
    onEvent: (message) => {
      if (message.data !== '') pending.push(message.data);
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    while (pending.length > 0) yield pending.shift() as string;
  }
  // A last message without its blank line still counts.
  parser.feed(`${decoder.decode()}\n\n`);
  while (pending.length > 0) yield pending.shift() as string;
}

/**
 * Follows `seq`: returns false for a message that repeats or precedes one already seen (a replayed
 * or reordered event), so a consumer applies each state change once.
 */
export class SeqTracker {
  private last = -1;

  accept(seq: number | undefined): boolean {
    if (seq === undefined) return true;
    if (seq <= this.last) return false;
    this.last = seq;
    return true;
  }

  get lastSeq(): number {
    return this.last;
  }
}
