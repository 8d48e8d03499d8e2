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
  it('sends the frames of one turn in one write: corked at the first, uncorked after the turn', async () => {
    const { res, calls } = recordingResponse();
    const sse = new SseWriter(res);
    sse.data('{"a":1}');
    await Promise.resolve(); // a later microtask of the same turn still joins the write
    sse.data('{"a":2}');
    expect(calls).toEqual(['cork', 'write data: {"a":1}', 'write data: {"a":2}']);
    await nextTurn();
    sse.data('{"a":3}');
    sse.done();
    await nextTurn();
    expect(calls).toEqual([
      'cork',
      'write data: {"a":1}',
      'write data: {"a":2}',
      'uncork',
      'cork',
      'write data: {"a":3}',
      'end data: [DONE]',
      'uncork',
    ]);
  });
});
