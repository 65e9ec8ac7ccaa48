// Server-sent events of a job POST (CONTRACT.md §5): `data: <json>` messages separated by blank lines,
// the event name inside the JSON. Framing is left to eventsource-parser; comments are ignored.
import { createParser } from 'eventsource-parser';

/** Longest single message (a job event is ~20 KB): a stream that never ends its message is cut off. */
export const MAX_SSE_MESSAGE_CHARS = 8 * 1024 * 1024;

/** Yields the `data` payload of every SSE message in `body`, in order. Ends when the body ends. */
export async function* sseDataMessages(body: AsyncIterable<Uint8Array | string>, maxMessageChars = MAX_SSE_MESSAGE_CHARS): AsyncGenerator<string> {
  const pending: string[] = [];
  let sinceLastMessage = 0;
  const parser = createParser({
    onEvent: (message) => {
      sinceLastMessage = 0;
      if (message.data !== '') pending.push(message.data);
    },
    onComment: () => {
      sinceLastMessage = 0; // a keep-alive is a complete line too
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    sinceLastMessage += text.length;
    parser.feed(text);
    while (pending.length > 0) yield pending.shift() as string;
    if (sinceLastMessage > maxMessageChars) throw new Error(`an event stream message grew past ${Math.round(maxMessageChars / 1048576)} MB`);
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
