import { StreamAssembler } from './stream-assembler';

const chunk = (delta: Record<string, unknown>, index = 0) =>
  JSON.stringify({
    id: 'c',
    object: 'chat.completion.chunk',
    choices: [{ index, delta, finish_reason: null }],
  });

function assemble(chunks: readonly string[]): StreamAssembler {
  const assembler = new StreamAssembler();
  for (const data of chunks) assembler.add(data);
  return assembler;
}

describe('StreamAssembler: choice 0, for memory and prompt records', () => {
  it.each([
    [
      'content split over chunks, role first',
      [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo' })],
      { role: 'assistant', content: 'Hello' },
    ],
    [
      'a final chunk with empty choices (the usage chunk) and malformed frames add nothing',
      [
        chunk({ role: 'assistant' }),
        chunk({ content: 'a' }),
        '{not json',
        JSON.stringify({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }),
      ],
      { role: 'assistant', content: 'a' },
    ],
    [
      'other choices (n > 1) are ignored',
      [chunk({ role: 'assistant', content: 'zero' }), chunk({ content: 'one' }, 1), chunk({ content: '!' })],
      { role: 'assistant', content: 'zero!' },
    ],
    [
      'tool calls merged by index, arguments concatenated, content null',
      [
        chunk({ role: 'assistant', content: null }),
        chunk({
          tool_calls: [
            { index: 0, id: 'call_a', type: 'function', function: { name: 'get', arguments: '' } },
          ],
        }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }),
        chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'put' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
      ],
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'get', arguments: '{"q":1}' } },
          { id: 'call_b', type: 'function', function: { name: 'put', arguments: '' } },
        ],
      },
    ],
    [
      'the legacy function_call and a refusal',
      [
        chunk({ role: 'assistant', refusal: 'I can' }),
        chunk({ refusal: 'not' }),
        chunk({ function_call: { name: 'f', arguments: '{' } }),
        chunk({ function_call: { arguments: '}' } }),
      ],
      {
        role: 'assistant',
        content: null,
        refusal: 'I cannot',
        function_call: { name: 'f', arguments: '{}' },
      },
    ],
  ])('%s', (_case, chunks, expected) => {
    expect(assemble(chunks).message()).toEqual(expected);
  });

  it('gives no message for a stream that carried none', () => {
    expect(assemble([]).message()).toBeNull();
    expect(assemble([JSON.stringify({ choices: [] })]).message()).toBeNull();
  });

  it('assembles the text of a legacy completions stream', () => {
    const text = (t: string) =>
      JSON.stringify({ object: 'text_completion', choices: [{ index: 0, text: t }] });
    const assembler = assemble([text('Once '), text('upon'), text('')]);
    expect(assembler.text()).toBe('Once upon');
    expect(assembler.message()).toBeNull();
  });
});

describe('StreamAssembler: the whole response, for the cache', () => {
  it('joins content and tool-call fragments per choice, in index order, with the usage reported at the end', () => {
    const assembly = new StreamAssembler();
    const head = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm' };
    const add = (choices: unknown[]) => assembly.add(JSON.stringify({ ...head, choices }));
    add([{ index: 1, delta: { role: 'assistant', content: 'B' } }]);
    add([{ index: 0, delta: { role: 'assistant', content: 'A' } }]);
    add([
      {
        index: 0,
        delta: {
          tool_calls: [{ index: 0, id: 't', type: 'function', function: { name: 'f', arguments: '{"a"' } }],
        },
      },
    ]);
    add([
      {
        index: 0,
        delta: { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] },
        finish_reason: 'tool_calls',
      },
    ]);
    add([{ index: 1, delta: { content: 'b' }, finish_reason: 'stop' }]);
    assembly.reportedUsage({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 });
    expect(assembly.response()).toEqual({
      id: 'c',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'A',
            tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
        { index: 1, message: { role: 'assistant', content: 'Bb' }, logprobs: null, finish_reason: 'stop' },
      ],
    });
  });

  it('a garbled frame spoils the response to cache, not the message memory keeps', () => {
    const assembler = assemble([chunk({ role: 'assistant', content: 'kept' }), '{not json']);
    expect(assembler.response()).toBeNull();
    expect(assembler.message()).toEqual({ role: 'assistant', content: 'kept' });
  });

  it('gives nothing to cache for a garbled or an empty stream', () => {
    const garbled = new StreamAssembler();
    garbled.add('{"choices":[{"index":0,"delta":{"content":"a"}}]}');
    garbled.add('{not json');
    expect(garbled.response()).toBeNull();
    expect(new StreamAssembler().response()).toBeNull();
  });
});
