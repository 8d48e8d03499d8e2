import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { openAiStreamChunks } from '../openai-compatible/openai-stream.mapper';

const CHUNK = '{"id":"c","choices":[{"index":0,"delta":{"content":"hi"}}]}';

/** A body the test writes to, recording how it ended. */
function liveBody() {
  const body = new PassThrough();
  const ended = { destroyed: false, endEmitted: false, error: null as Error | null };
  body.on('end', () => (ended.endEmitted = true));
  body.on('close', () => (ended.destroyed = body.destroyed && !ended.endEmitted));
  body.on('error', (error) => (ended.error = error));
  return { body, ended };
}

describe('upstream stream bodies after the answer', () => {
  it('reads a body to its end after [DONE] instead of destroying it (no abort error)', async () => {
    const { body, ended } = liveBody();
    body.end(`data: ${CHUNK}\n\ndata: [DONE]\n\n`);
    const batches: (readonly string[])[] = [];
    for await (const batch of openAiStreamChunks(body, { usage: null })) batches.push(batch);
    await once(body, 'close');
    expect(batches).toEqual([[CHUNK]]);
    expect(ended).toEqual({ destroyed: false, endEmitted: true, error: null });
  });

  it('cuts a body the server keeps open after [DONE], a second later, without holding up the answer', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const { body, ended } = liveBody();
      body.write(`data: ${CHUNK}\n\ndata: [DONE]\n\n`);
      const batches: (readonly string[])[] = [];
      for await (const batch of openAiStreamChunks(body, { usage: null })) batches.push(batch);
      expect(batches).toEqual([[CHUNK]]);
      body.write(': trailing bytes are read and dropped\n\n');
      await new Promise((resolve) => setImmediate(resolve));
      expect(body.destroyed).toBe(false);
      jest.advanceTimersByTime(1_000);
      expect(body.destroyed).toBe(true);
      expect(ended.endEmitted).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });

  it('destroys the body when the consumer stops before the end (the upstream call is released)', async () => {
    const { body } = liveBody();
    body.write(`data: ${CHUNK}\n\n`);
    for await (const _batch of openAiStreamChunks(body, { usage: null })) break;
    expect(body.destroyed).toBe(true);
  });

  it('destroys the body on a malformed chunk', async () => {
    const { body } = liveBody();
    body.write('data: {not json\n\n');
    await expect(
      (async () => {
        for await (const _batch of openAiStreamChunks(body, { usage: null })) void _batch;
      })(),
    ).rejects.toMatchObject({ kind: 'server_error' });
    expect(body.destroyed).toBe(true);
  });
});
