import type { StreamBody } from '../upstream/upstream-body';
import { piecesBody } from '../test/fixtures';
import { UpstreamFailure } from '../upstream/upstream-failure.error';
import type { StreamUsageSink } from './openai-stream.mapper';
import { openAiStreamChunks } from './openai-stream.mapper';

const CHUNK_1 =
  '{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"héllo"}}]}';
const CHUNK_2 =
  '{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":" wörld"}}]}';
const USAGE = '{"id":"c","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}';

/** A body delivering each piece as one read. */
function bytes(pieces: readonly (string | Uint8Array)[], failAtEnd?: Error): StreamBody {
  return piecesBody(
    pieces.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece)),
    failAtEnd,
  );
}

/** The chunks yielded, and the size of each batch they came in. */
async function collect(source: StreamBody, sink: StreamUsageSink = { usage: null }) {
  const chunks: string[] = [];
  const batches: number[] = [];
  try {
    for await (const batch of openAiStreamChunks(source, sink)) {
      chunks.push(...batch);
      batches.push(batch.length);
    }
    return { chunks, batches, error: null };
  } catch (error) {
    return { chunks, batches, error };
  }
}

describe('openAiStreamChunks', () => {
  it('yields each chunk text unchanged and stops at [DONE]', async () => {
    const result = await collect(bytes([`data: ${CHUNK_1}\n\n`, `data: ${CHUNK_2}\n\ndata: [DONE]\n\n`]));
    expect(result).toEqual({ chunks: [CHUNK_1, CHUNK_2], batches: [1, 1], error: null });
  });

  it('settles the body as answered after [DONE], and as not answered when the stream fails or stops', async () => {
    const answered = piecesBody([Buffer.from(`data: ${CHUNK_1}\n\ndata: [DONE]\n\n`)]);
    await collect(answered);
    expect(answered.settled).toBe(true);

    const failed = piecesBody([Buffer.from('data: {not json\n\n')]);
    expect((await collect(failed)).error).toBeInstanceOf(UpstreamFailure);
    expect(failed.settled).toBe(false);

    const stopped = piecesBody([Buffer.from(`data: ${CHUNK_1}\n\n`), Buffer.from(`data: ${CHUNK_2}\n\n`)]);
    for await (const _batch of openAiStreamChunks(stopped, { usage: null })) break;
    expect(stopped.settled).toBe(false);
  });

  it('yields the chunks of one network read as one batch, and no batch for a read without a whole chunk', async () => {
    const burst = `data: ${CHUNK_1}\n\ndata: ${CHUNK_2}\n\ndata: ${USAGE}\n\n`;
    const result = await collect(bytes([burst, ': ping\n\n', 'data: [DONE]\n\n']));
    expect(result).toEqual({ chunks: [CHUNK_1, CHUNK_2, USAGE], batches: [3], error: null });
  });

  it('sends the chunks before a bad one in the same read, then fails', async () => {
    const result = await collect(bytes([`data: ${CHUNK_1}\n\ndata: ${CHUNK_2}\n\ndata: {not json\n\n`]));
    expect(result.chunks).toEqual([CHUNK_1, CHUNK_2]);
    expect(result.batches).toEqual([2]);
    expect((result.error as UpstreamFailure).reason).toContain('malformed');
  });

  it('reassembles chunks and multi-byte characters split across network reads', async () => {
    const wire = Buffer.from(
      `data: ${CHUNK_1}\r\n\r\n: ping\r\n\r\ndata: ${CHUNK_2}\r\n\r\ndata: [DONE]\r\n\r\n`,
    );
    const pieces = Array.from({ length: wire.length }, (_, i) => wire.subarray(i, i + 1));
    const result = await collect(bytes(pieces));
    expect(result).toEqual({ chunks: [CHUNK_1, CHUNK_2], batches: [1, 1], error: null });
  });

  it('captures the usage of the final usage chunk', async () => {
    const sink: StreamUsageSink = { usage: null };
    await collect(bytes([`data: ${CHUNK_1}\n\ndata: ${USAGE}\n\ndata: [DONE]\n\n`]), sink);
    expect(sink.usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  });

  it('accepts [DONE] without a final blank line', async () => {
    expect(await collect(bytes([`data: ${CHUNK_1}\n\ndata: [DONE]`]))).toEqual({
      chunks: [CHUNK_1],
      batches: [1],
      error: null,
    });
  });

  it.each<[string, (string | Uint8Array)[], Error | undefined, string, string[]]>([
    ['a malformed chunk', [`data: ${CHUNK_1}\n\ndata: {not json\n\n`], undefined, 'malformed', [CHUNK_1]],
    ['a chunk that is not an object', ['data: [1,2]\n\n'], undefined, 'not a JSON object', []],
    [
      'an in-band error',
      [`data: {"error":{"message":"overloaded"}}\n\n`],
      undefined,
      'the upstream failed mid-stream: overloaded',
      [],
    ],
    ['an error event', ['event: error\ndata: {}\n\n'], undefined, 'the upstream failed mid-stream', []],
    [
      'a cut connection',
      [`data: ${CHUNK_1}\n\n`],
      new Error('other side closed'),
      'cut the stream',
      [CHUNK_1],
    ],
    ['an end without [DONE]', [`data: ${CHUNK_1}\n\n`], undefined, 'before [DONE]', [CHUNK_1]],
  ])('fails on %s', async (_name, pieces, failAtEnd, reason, before) => {
    const result = await collect(bytes(pieces, failAtEnd));
    expect(result.chunks).toEqual(before);
    expect(result.error).toBeInstanceOf(UpstreamFailure);
    expect((result.error as UpstreamFailure).reason).toContain(reason);
  });
});
