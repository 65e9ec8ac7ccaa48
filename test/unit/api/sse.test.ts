import assert from 'node:assert/strict';
import { SeqTracker, sseDataMessages } from '../../../src/core/api/sse';

async function collect(chunks: string[]): Promise<string[]> {
  async function* body(): AsyncGenerator<Uint8Array> {
    for (const chunk of chunks) yield new TextEncoder().encode(chunk);
  }
  const out: string[] = [];
  for await (const data of sseDataMessages(body())) out.push(data);
  return out;
}

describe('sseDataMessages', () => {
  it('splits data messages across arbitrary chunk boundaries and ignores comments', async () => {
    const stream = 'data: {"event":"initialized","seq":0}\n\n: keep-alive\n\ndata: {"event":"midjourney_created","seq":1}\n\n';
    const chunks = stream.match(/.{1,7}/gs) ?? [];
    assert.deepEqual(await collect(chunks), ['{"event":"initialized","seq":0}', '{"event":"midjourney_created","seq":1}']);
  });

  it('handles CRLF framing and a final message without its blank line', async () => {
    assert.deepEqual(await collect(['data: {"a":1}\r\n\r\ndata: {"b":2}']), ['{"a":1}', '{"b":2}']);
  });

  it('splits multi-byte characters across chunks correctly', async () => {
    const bytes = new TextEncoder().encode('data: {"p":"🔄"}\n\n');
    async function* body(): AsyncGenerator<Uint8Array> {
      yield bytes.slice(0, 13);
      yield bytes.slice(13);
    }
    const out: string[] = [];
    for await (const data of sseDataMessages(body())) out.push(data);
    assert.deepEqual(out, ['{"p":"🔄"}']);
  });
});

describe('SeqTracker', () => {
  it('accepts increasing seq only', () => {
    const seq = new SeqTracker();
    assert.equal(seq.accept(0), true);
    assert.equal(seq.accept(1), true);
    assert.equal(seq.accept(1), false);
    assert.equal(seq.accept(0), false);
    assert.equal(seq.accept(3), true);
    assert.equal(seq.lastSeq, 3);
    assert.equal(seq.accept(undefined), true);
  });
});
