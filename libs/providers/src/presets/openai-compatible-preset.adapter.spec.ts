import { endpointFixture } from '../test/endpoint.fixture';
import type { TestUpstream } from '../test/test-upstream';
import { json, startTestUpstream } from '../test/test-upstream';
import { UpstreamHttpClient } from '../upstream/upstream-http.client';
import { OpenAiCompatiblePresetAdapter } from './openai-compatible-preset.adapter';
import type { PresetKind } from './openai-compatible.presets';
import { OPENAI_COMPATIBLE_PRESETS } from './openai-compatible.presets';

describe('OPENAI_COMPATIBLE_PRESETS', () => {
  it.each<[PresetKind, string | null]>([
    ['deepseek', 'https://api.deepseek.com/v1'],
    ['mistral', 'https://api.mistral.ai/v1'],
    ['openrouter', 'https://openrouter.ai/api/v1'],
    ['vllm', null],
    ['ollama', 'http://127.0.0.1:11434/v1'],
  ])('%s defaults to %s', (kind, url) => {
    expect(OPENAI_COMPATIBLE_PRESETS[kind].defaultUrl).toBe(url);
  });
});

describe('OpenAiCompatiblePresetAdapter', () => {
  let upstream: TestUpstream;
  const http = new UpstreamHttpClient();
  const signal = new AbortController().signal;
  const chat = { model: 'client', messages: [{ role: 'user', content: 'Hi' }] };

  beforeAll(async () => {
    upstream = await startTestUpstream((_req, res) =>
      json(res, 200, { id: 'c', object: 'chat.completion', model: 'served', choices: [] }),
    );
  });
  beforeEach(() => {
    upstream.requests.length = 0;
  });
  afterAll(async () => {
    await http.close();
    await upstream.close();
  });

  it.each<[PresetKind, string | null, string | undefined]>([
    ['deepseek', 'sk-ds', 'Bearer sk-ds'],
    ['openrouter', 'sk-or', 'Bearer sk-or'],
    ['vllm', 'token', 'Bearer token'],
    ['ollama', null, undefined],
  ])('%s (key %s): posts {url}/chat/completions, authorization %s', async (kind, apiKey, authorization) => {
    const adapter = new OpenAiCompatiblePresetAdapter(
      http,
      endpointFixture({ provider: kind, apiKey }),
      kind,
      `${upstream.url}/v1`,
    );
    const result = await adapter.chat(chat, signal);
    expect(adapter.provider).toBe(kind);
    expect(result.model).toBe('served');
    expect(upstream.requests[0].url).toBe('/v1/chat/completions');
    expect(upstream.requests[0].headers.authorization).toBe(authorization);
  });

  it("mistral: speaks Mistral's dialect, with the endpoint's options and cap", async () => {
    const endpoint = endpointFixture({
      provider: 'mistral',
      apiKey: 'mk',
      maxTokensCap: 200,
      options: { safe_prompt: true },
    });
    const adapter = new OpenAiCompatiblePresetAdapter(http, endpoint, 'mistral', `${upstream.url}/v1`);
    await adapter.chatStream(
      { ...chat, max_completion_tokens: 999, seed: 3, stream_options: { include_usage: true } },
      signal,
    );
    expect(upstream.requests[0].body).toEqual({
      ...chat,
      stream: true,
      max_tokens: 200,
      random_seed: 3,
      safe_prompt: true,
    });
  });

  it('takes the key in another header when the endpoint says so', async () => {
    const endpoint = endpointFixture({ provider: 'openrouter', apiKey: 'k', authHeader: 'X-Api-Key' });
    await new OpenAiCompatiblePresetAdapter(http, endpoint, 'openrouter', `${upstream.url}/v1`).chat(
      chat,
      signal,
    );
    expect(upstream.requests[0].headers).toMatchObject({ 'x-api-key': 'k' });
    expect(upstream.requests[0].headers.authorization).toBeUndefined();
  });

  it('refuses vllm without a url', () => {
    expect(
      () => new OpenAiCompatiblePresetAdapter(http, endpointFixture({ provider: 'vllm' }), 'vllm'),
    ).toThrow('provider vllm needs a url');
  });
});
