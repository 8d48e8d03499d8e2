import { FIXED_CREATED, bodyOf, drain, fixtureJson, fixtureText } from '../test/fixtures';
import { translatedChunks } from '../translation/translated-stream.mapper';
import { UpstreamFailure } from '../upstream/upstream-failure.error';
import { AnthropicStreamTranslator } from './anthropic-stream.mapper';

function translate(sse: string, includeUsage: boolean, pieceSize?: number, failAtEnd?: Error) {
  const translator = new AnthropicStreamTranslator(
    'claude-sonnet-4-5',
    FIXED_CREATED,
    'msg_fallback',
    includeUsage,
  );
  return { translator, result: drain(translatedChunks(bodyOf(sse, pieceSize, failAtEnd), translator)) };
}

describe('AnthropicStreamTranslator', () => {
  it.each([
    ['stream-text', undefined],
    ['stream-tool-use', undefined],
    ['stream-text', 1],
    ['stream-tool-use', 7],
  ])('%s (pieces of %s bytes) → role, deltas, finish, usage chunk', async (name, pieceSize) => {
    const expected = fixtureJson<Record<string, unknown>[]>(__dirname, `${name}.openai-chunks.json`);
    const { translator, result } = translate(fixtureText(__dirname, `${name}.sse`), true, pieceSize);
    const { chunks, batchSizes, error } = await result;
    expect({ chunks, error }).toEqual({ chunks: expected, error: null });
    // The whole body in one read is one batch; many reads give a batch for each that completed a chunk.
    if (pieceSize === undefined) expect(batchSizes).toEqual([expected.length]);
    else expect(Math.min(...batchSizes)).toBeGreaterThan(0);
    const last = expected.at(-1) as { usage: Record<string, number> };
    expect(translator.usage()).toEqual(last.usage);
  });

  it('sends no usage chunk unless the client asked, but still reports the usage', async () => {
    const expected = fixtureJson<unknown[]>(__dirname, 'stream-text.openai-chunks.json');
    const { translator, result } = translate(fixtureText(__dirname, 'stream-text.sse'), false);
    expect(await result).toEqual({
      chunks: expected.slice(0, -1),
      batchSizes: [expected.length - 1],
      error: null,
    });
    expect(translator.usage()).toEqual({ prompt_tokens: 25, completion_tokens: 15, total_tokens: 40 });
  });

  it.each<[string, string, Error | undefined, UpstreamFailure['kind'], string, number]>([
    [
      'an error event',
      'stream-overloaded.sse',
      undefined,
      'server_error',
      'the upstream failed mid-stream: Overloaded',
      2,
    ],
    ['an end before message_stop', 'stream-cut.sse', undefined, 'connection_error', 'before message_stop', 3],
    [
      'a cut connection',
      'stream-cut.sse',
      new Error('other side closed'),
      'connection_error',
      'cut the stream',
      3,
    ],
  ])('fails on %s after the chunks before it', async (_name, fixture, failAtEnd, kind, reason, before) => {
    const { result } = translate(fixtureText(__dirname, fixture), true, undefined, failAtEnd);
    const { chunks, error } = await result;
    expect(chunks).toHaveLength(before);
    expect(error).toBeInstanceOf(UpstreamFailure);
    expect(error).toMatchObject({ kind });
    expect((error as UpstreamFailure).reason).toContain(reason);
  });

  it('fails on a malformed event', async () => {
    const { result } = translate('event: message_start\ndata: {"type":\n\n', true);
    expect((await result).error).toMatchObject({
      kind: 'server_error',
      reason: 'the upstream sent a malformed stream event',
    });
  });

  it('skips event types it does not know', async () => {
    const sse = fixtureText(__dirname, 'stream-text.sse').replace(
      'event: ping',
      'event: future_event\ndata: {"type":"future_event"}\n\nevent: ping',
    );
    const { result } = translate(sse, false);
    expect((await result).chunks).toHaveLength(4);
  });
});
