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

describe('StreamAssembler', () => {
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
