import { modelOf, toUpstreamBody } from './openai-request.mapper';

describe('toUpstreamBody', () => {
  const chat = { model: 'client-model', messages: [{ role: 'user', content: 'hi' }] };

  it.each([
    ['keeps the client model without an endpoint model', 'chat', chat, {}, false, chat],
    [
      "replaces the model with the endpoint's",
      'chat',
      chat,
      { model: 'gpt-4o-mini' },
      false,
      { ...chat, model: 'gpt-4o-mini' },
    ],
    ['sets stream for a stream', 'chat', chat, {}, true, { ...chat, stream: true }],
    [
      'drops stream fields for a non-stream',
      'completions',
      { model: 'm', prompt: 'p', stream: true, stream_options: { include_usage: true } },
      {},
      false,
      { model: 'm', prompt: 'p' },
    ],
    [
      'keeps stream_options of a stream',
      'chat',
      { ...chat, stream: true, stream_options: { include_usage: true } },
      {},
      true,
      { ...chat, stream: true, stream_options: { include_usage: true } },
    ],
    [
      'always asks embeddings as floats',
      'embeddings',
      { model: 'e', input: 'x', encoding_format: 'base64' },
      {},
      false,
      { model: 'e', input: 'x', encoding_format: 'float' },
    ],
  ] as const)('%s', (_name, operation, body, endpoint, stream, expected) => {
    expect(toUpstreamBody(operation, body, endpoint, stream)).toEqual(expected);
  });

  it('does not mutate the client body', () => {
    const body = { model: 'm', stream: true };
    toUpstreamBody('chat', body, { model: 'x' }, false);
    expect(body).toEqual({ model: 'm', stream: true });
  });
});

describe('modelOf', () => {
  it.each([
    [{ model: 'm' }, 'm'],
    [{ model: 3 }, ''],
    [{}, ''],
  ])('%j → %s', (body, model) => {
    expect(modelOf(body)).toBe(model);
  });
});
