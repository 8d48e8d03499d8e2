import { PROVIDERS, URL_REQUIRED_PROVIDERS } from '@aigw/config';
import { AnthropicAdapter } from './anthropic/anthropic.adapter';
import { AzureOpenAiAdapter } from './azure-openai/azure-openai.adapter';
import { GeminiAdapter } from './gemini/gemini.adapter';
import { MockAdapter } from './mock/mock.adapter';
import { OpenAiCompatibleAdapter } from './openai-compatible/openai-compatible.adapter';
import { OpenAiAdapter } from './openai/openai.adapter';
import { OpenAiCompatiblePresetAdapter } from './presets/openai-compatible-preset.adapter';
import { createProviderAdapter } from './provider-adapter.factory';
import { endpointFixture } from './test/endpoint.fixture';
import { UpstreamHttpClient } from './upstream/upstream-http.client';

describe('createProviderAdapter', () => {
  const http = new UpstreamHttpClient();
  afterAll(() => http.close());

  it.each([
    [{ provider: 'openai' as const }, OpenAiAdapter, 'openai'],
    [{ provider: 'openai' as const, url: 'https://proxy.example/v1' }, OpenAiAdapter, 'openai'],
    [
      { provider: 'azure-openai' as const, url: 'https://r.openai.azure.com', deployment: 'd' },
      AzureOpenAiAdapter,
      'azure-openai',
    ],
    [
      { provider: 'openai-compatible' as const, url: 'http://localhost:11434/v1' },
      OpenAiCompatibleAdapter,
      'openai-compatible',
    ],
    [{ provider: 'mock' as const }, MockAdapter, 'mock'],
    [{ provider: 'mock' as const, url: 'http://127.0.0.1:1/e/x/v1' }, MockAdapter, 'mock'],
    [{ provider: 'anthropic' as const }, AnthropicAdapter, 'anthropic'],
    [{ provider: 'gemini' as const, url: 'https://proxy.example' }, GeminiAdapter, 'gemini'],
    [{ provider: 'deepseek' as const }, OpenAiCompatiblePresetAdapter, 'deepseek'],
    [{ provider: 'mistral' as const }, OpenAiCompatiblePresetAdapter, 'mistral'],
    [{ provider: 'openrouter' as const }, OpenAiCompatiblePresetAdapter, 'openrouter'],
    [{ provider: 'vllm' as const, url: 'http://vllm:8000/v1' }, OpenAiCompatiblePresetAdapter, 'vllm'],
    [{ provider: 'ollama' as const }, OpenAiCompatiblePresetAdapter, 'ollama'],
  ])('%j → %p', (settings, type, provider) => {
    const adapter = createProviderAdapter(endpointFixture(settings), {
      http,
      mockLlmUrl: 'http://127.0.0.1:9/',
    });
    expect(adapter).toBeInstanceOf(type);
    expect(adapter.provider).toBe(provider);
    expect(adapter.endpointId).toBe('primary');
  });

  it.each([
    [{ provider: 'openai-compatible' as const }, null, 'needs a url'],
    [{ provider: 'azure-openai' as const, deployment: 'd' }, null, 'needs a url'],
    [{ provider: 'vllm' as const }, null, 'needs a url'],
    [{ provider: 'mock' as const }, null, 'no built-in mock LLM is running'],
  ])('%j with mock url %s fails at start: %s', (settings, mockLlmUrl, message) => {
    expect(() => createProviderAdapter(endpointFixture(settings), { http, mockLlmUrl })).toThrow(message);
  });

  it.each(PROVIDERS.filter((p) => p !== 'mock'))(
    '%s: the config schema requires a url exactly when the adapter has no default',
    (provider) => {
      const build = () =>
        createProviderAdapter(endpointFixture({ provider, deployment: 'd' }), { http, mockLlmUrl: null });
      if (URL_REQUIRED_PROVIDERS.includes(provider)) expect(build).toThrow('needs a url');
      else expect(build().provider).toBe(provider);
    },
  );
});
