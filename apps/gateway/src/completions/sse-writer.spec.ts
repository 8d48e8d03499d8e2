import type { ServerResponse } from 'node:http';
import { SseWriter } from './sse-writer';

/** A response that records what is done to it, in order. */
function recordingResponse() {
  const calls: string[] = [];
  const res = {
    cork: () => calls.push('cork'),
    uncork: () => calls.push('uncork'),
    write: (chunk: string) => calls.push(`write ${chunk.trim()}`),
    end: (chunk: string) => calls.push(`end ${chunk.trim()}`),
  } as unknown as ServerResponse;
  return { res, calls };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('SseWriter', () => {
  it('writes the frames of a batch in one write, and the writes of one turn in one flush', async () => {
    const { res, calls } = recordingResponse();
    const sse = new SseWriter(res);
    sse.data(['{"a":1}', '{"a":2}']);
    await Promise.resolve(); // a later microtask of the same turn still joins the flush
    sse.data(['{"a":3}']);
    expect(calls).toEqual(['cork', 'write data: {"a":1}\n\ndata: {"a":2}', 'write data: {"a":3}']);
    await nextTurn();
    sse.data(['{"a":4}']);
    sse.done();
    await nextTurn();
    expect(calls.slice(3)).toEqual(['uncork', 'cork', 'write data: {"a":4}', 'end data: [DONE]', 'uncork']);
  });
});
