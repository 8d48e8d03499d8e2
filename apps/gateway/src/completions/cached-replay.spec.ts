import { pieces, replayChunks } from './cached-replay';
import { StreamAssembler } from './stream-assembler';

const chat = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  system_fingerprint: 'fp_1',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: 'HNSW is a layered proximity graph for approximate nearest neighbours.',
      },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 },
};

const toolCall = {
  ...chat,
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'search', arguments: '{"q":"hnsw"}' } },
        ],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    },
  ],
};

const refusal = {
  ...chat,
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: null, refusal: 'I cannot help with that.' },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
};

const legacy = {
  id: 'cmpl-1',
  object: 'text_completion',
  created: 1_700_000_000,
  model: 'legacy',
  choices: [{ index: 0, text: 'Hi there, how can I help you today?', logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 2, completion_tokens: 9, total_tokens: 11 },
};

const parse = (chunks: string[]) => chunks.map((c) => JSON.parse(c) as Record<string, unknown>);

describe('replaying a cached answer as a stream', () => {
  it('streams a role chunk, the text in pieces, a finish chunk and, when asked, the usage chunk', () => {
    const chunks = parse(replayChunks(chat, true));
    expect(chunks.length).toBeGreaterThan(4);
    for (const c of chunks)
      expect(c).toMatchObject({ id: 'chatcmpl-1', object: 'chat.completion.chunk', model: 'gpt-4o-mini' });
    expect(chunks[0]).toMatchObject({ choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] });
    const text = chunks
      .flatMap((c) => c['choices'] as Array<{ delta?: { content?: string } }>)
      .map((c) => c.delta?.content ?? '')
      .join('');
    expect(text).toBe(chat.choices[0]?.message.content);
    expect(chunks.at(-2)).toMatchObject({ choices: [{ delta: {}, finish_reason: 'stop' }] });
    expect(chunks.at(-1)).toEqual({ ...chunks.at(-1), choices: [], usage: chat.usage });
    expect(parse(replayChunks(chat, false)).some((c) => 'usage' in c)).toBe(false);
  });

  it.each([
    ['a chat answer', chat],
    ['a tool call', toolCall],
    ['a refusal', refusal],
    ['a legacy completion', legacy],
  ])('assembles back into the same response: %s', (_case, body) => {
    const assembler = new StreamAssembler();
    for (const chunk of replayChunks(body, true)) assembler.add(chunk);
    expect(assembler.response()).toEqual(body);
  });

  it.each([
    '',
    'one',
    'a few words of text that run past one piece',
    '  leading and trailing  ',
    'line\nbreaks\n',
  ])('cuts %j into pieces that join back into it', (text) => {
    expect(pieces(text).join('')).toBe(text);
    expect(pieces(text).every((p) => p !== '')).toBe(true);
  });
});
