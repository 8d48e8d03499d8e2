import { bodyOf, drain, fixedContext, fixtureJson, fixtureText } from '../test/fixtures';
import { translatedChunks } from '../translation/translated-stream.mapper';
import { UpstreamFailure } from '../upstream/upstream-failure.error';
import { GeminiStreamTranslator } from './gemini-stream.mapper';

function translate(sse: string, includeUsage: boolean, pieceSize?: number, failAtEnd?: Error) {
  const translator = new GeminiStreamTranslator('gemini-2.5-flash', fixedContext(), includeUsage);
  return { translator, result: drain(translatedChunks(bodyOf(sse, pieceSize, failAtEnd), translator)) };
}

const candidateEvent = (index: number, text: string, finishReason?: string) =>
  `data: ${JSON.stringify({
    candidates: [
      { index, content: { role: 'model', parts: [{ text }] }, ...(finishReason ? { finishReason } : {}) },
    ],
    responseId: 'r',
    modelVersion: 'gemini-2.0-flash',
  })}\r\n\r\n`;

describe('GeminiStreamTranslator', () => {
  it.each([
    ['stream-text', undefined],
    ['stream-function-call', undefined],
    ['stream-text', 1],
    ['stream-function-call', 5],
  ])('%s (pieces of %s bytes) → role, deltas, finish, usage chunk', async (name, pieceSize) => {
    const expected = fixtureJson<Record<string, unknown>[]>(__dirname, `${name}.openai-chunks.json`);
    const { translator, result } = translate(fixtureText(__dirname, `${name}.sse`), true, pieceSize);
    const { chunks, batchSizes, error } = await result;
    expect({ chunks, error }).toEqual({ chunks: expected, error: null });
    // The whole body in one read is one batch, then the closing chunks once the body ended (Gemini's
    // stream has no terminator); many reads give a batch for each that completed a chunk.
    if (pieceSize === undefined) expect(batchSizes).toEqual([expected.length - 1, 1]);
    else expect(Math.min(...batchSizes)).toBeGreaterThan(0);
    const { prompt_tokens, completion_tokens, total_tokens } = (
      expected.at(-1) as { usage: Record<string, number> }
    ).usage;
    expect(translator.usage()).toEqual({ prompt_tokens, completion_tokens, total_tokens });
  });

  it('sends no usage chunk unless the client asked', async () => {
    const expected = fixtureJson<unknown[]>(__dirname, 'stream-text.openai-chunks.json');
    const { result } = translate(fixtureText(__dirname, 'stream-text.sse'), false);
    expect(await result).toEqual({
      chunks: expected.slice(0, -1),
      batchSizes: [expected.length - 1],
      error: null,
    });
  });

  it('interleaves several candidates, each with its own role and finish chunk', async () => {
    const sse =
      candidateEvent(0, 'Yes') +
      candidateEvent(1, 'Maybe') +
      candidateEvent(0, '.', 'STOP') +
      candidateEvent(1, '!', 'MAX_TOKENS');
    const { result } = translate(sse, false);
    const choices = (await result).chunks.map((c) => (c as { choices: unknown[] }).choices[0]);
    expect(choices).toEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
      { index: 0, delta: { content: 'Yes' }, logprobs: null, finish_reason: null },
      { index: 1, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
      { index: 1, delta: { content: 'Maybe' }, logprobs: null, finish_reason: null },
      { index: 0, delta: { content: '.' }, logprobs: null, finish_reason: null },
      { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' },
      { index: 1, delta: { content: '!' }, logprobs: null, finish_reason: null },
      { index: 1, delta: {}, logprobs: null, finish_reason: 'length' },
    ]);
  });

  it('ends a blocked prompt with a content_filter finish', async () => {
    const { result } = translate(fixtureText(__dirname, 'stream-blocked-prompt.sse'), true);
    const { chunks, error } = await result;
    expect(error).toBeNull();
    expect(chunks).toMatchObject([
      { choices: [{ delta: { role: 'assistant' } }] },
      { choices: [{ finish_reason: 'content_filter' }] },
      { choices: [], usage: { prompt_tokens: 8, completion_tokens: 0, total_tokens: 8 } },
    ]);
  });

  it.each<[string, string, Error | undefined, UpstreamFailure['kind'], string, number]>([
    [
      'an in-band error',
      'stream-error.sse',
      undefined,
      'server_error',
      'the upstream failed mid-stream: The model is overloaded.',
      2,
    ],
    [
      'an end before any finish reason',
      'stream-cut.sse',
      undefined,
      'connection_error',
      'before a finish reason',
      3,
    ],
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
});
