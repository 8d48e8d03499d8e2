import { readChatRequest } from './openai-chat-request.reader';

describe('readChatRequest', () => {
  it('reads a full request into its typed form', () => {
    const request = readChatRequest(
      {
        model: 'client-model',
        messages: [
          { role: 'system', content: 'Be brief.' },
          {
            role: 'developer',
            content: [
              { type: 'text', text: 'Metric' },
              { type: 'text', text: 'units.' },
            ],
          },
          { role: 'user', content: [{ type: 'image_url', image_url: 'https://x/cat.png' }] },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'done' },
        ],
        max_tokens: 300,
        stop: null,
        n: null,
        parallel_tool_calls: false,
        stream_options: { include_usage: true },
        user: 'u1',
      },
      { maxTokensCap: 200 },
    );
    expect(request).toEqual({
      model: 'client-model',
      system: ['Be brief.', 'Metric\nunits.'],
      messages: [
        { role: 'user', parts: [{ type: 'image', url: 'https://x/cat.png' }] },
        { role: 'assistant', text: '', toolCalls: [{ id: 'c1', name: 'f', arguments: { a: 1 } }] },
        { role: 'tool', toolCallId: 'c1', text: 'done' },
      ],
      maxTokens: 200,
      temperature: null,
      topP: null,
      stop: [],
      n: 1,
      seed: null,
      presencePenalty: null,
      frequencyPenalty: null,
      tools: [],
      toolChoice: null,
      parallelToolCalls: false,
      responseFormat: null,
      user: 'u1',
      includeUsage: true,
    });
  });

  it("prefers the endpoint's model", () => {
    expect(readChatRequest({ model: 'a', messages: [] }, { model: 'b' }).model).toBe('b');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['messages that are not a list', { messages: 'hi' }, 'messages'],
    ['a message that is not an object', { messages: ['hi'] }, 'messages[0]'],
    [
      'a system message with an image',
      { messages: [{ role: 'system', content: [{ type: 'image_url' }] }] },
      'messages[0].content[0].type',
    ],
    [
      'a tool message without its call id',
      { messages: [{ role: 'tool', content: 'x' }] },
      'messages[0].tool_call_id',
    ],
    ['a stop list with a number', { messages: [], stop: ['a', 1] }, 'stop[1]'],
    [
      'a function tool_choice without a name',
      { messages: [], tool_choice: { type: 'function', function: {} } },
      'tool_choice.function.name',
    ],
    [
      'a json_schema without its schema',
      { messages: [], response_format: { type: 'json_schema', json_schema: { name: 'x' } } },
      'response_format.json_schema.schema',
    ],
  ])('rejects %s, naming the field', (_name, body, param) => {
    expect(() => readChatRequest(body, {})).toThrow(
      expect.objectContaining({ code: 'invalid_request', param }) as Error,
    );
  });
});
