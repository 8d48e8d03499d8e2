import { OPENAI_COMPATIBLE_DIALECT, OPENAI_DIALECT } from './openai-dialect.types';
import type { OpenAiDialect } from './openai-dialect.types';
import type { UpstreamModelSettings } from './openai-request.mapper';
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

  const MISTRAL: OpenAiDialect = {
    maxTokensField: 'max_tokens',
    drop: ['stream_options'],
    rename: { max_completion_tokens: 'max_tokens', seed: 'random_seed' },
  };

  it.each<[string, Record<string, unknown>, UpstreamModelSettings, OpenAiDialect, Record<string, unknown>]>([
    [
      'a cap sets max_tokens when absent',
      {},
      { maxTokensCap: 100 },
      OPENAI_COMPATIBLE_DIALECT,
      { max_tokens: 100 },
    ],
    [
      'a cap sets max_completion_tokens for OpenAI',
      {},
      { maxTokensCap: 100 },
      OPENAI_DIALECT,
      { max_completion_tokens: 100 },
    ],
    [
      'a cap lowers both limits',
      { max_tokens: 500, max_completion_tokens: 50 },
      { maxTokensCap: 100 },
      OPENAI_DIALECT,
      { max_tokens: 100, max_completion_tokens: 50 },
    ],
    [
      'options override the client, merged last',
      { temperature: 0.9, stream_options: { include_usage: true } },
      { options: { temperature: 0.2, top_p: 0.5 } },
      OPENAI_COMPATIBLE_DIALECT,
      { temperature: 0.2, top_p: 0.5, stream_options: { include_usage: true } },
    ],
    [
      'a dialect drops and renames fields',
      { stream_options: { include_usage: true }, max_completion_tokens: 64, seed: 7 },
      {},
      MISTRAL,
      { max_tokens: 64, random_seed: 7 },
    ],
    [
      'a rename keeps the field already named so',
      { max_tokens: 10, max_completion_tokens: 64 },
      {},
      MISTRAL,
      { max_tokens: 10 },
    ],
  ])('%s', (_name, fields, endpoint, dialect, expected) => {
    const body = { ...chat, ...fields };
    expect(toUpstreamBody('chat', body, endpoint, true, dialect)).toEqual({
      ...chat,
      stream: true,
      ...expected,
    });
  });

  it('caps legacy completions with max_tokens, never embeddings', () => {
    expect(
      toUpstreamBody('completions', { prompt: 'p' }, { maxTokensCap: 5 }, false, OPENAI_DIALECT),
    ).toEqual({
      prompt: 'p',
      max_tokens: 5,
    });
    expect(toUpstreamBody('embeddings', { input: 'x' }, { maxTokensCap: 5 }, false)).toEqual({
      input: 'x',
      encoding_format: 'float',
    });
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
