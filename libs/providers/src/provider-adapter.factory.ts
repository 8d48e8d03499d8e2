import type { ResolvedEndpoint } from '@aigw/config';
import { AnthropicAdapter } from './anthropic/anthropic.adapter';
import { AzureOpenAiAdapter } from './azure-openai/azure-openai.adapter';
import { GeminiAdapter } from './gemini/gemini.adapter';
import { MockAdapter } from './mock/mock.adapter';
import { OpenAiCompatibleAdapter } from './openai-compatible/openai-compatible.adapter';
import { OpenAiAdapter } from './openai/openai.adapter';
import { OpenAiCompatiblePresetAdapter } from './presets/openai-compatible-preset.adapter';
import type { ProviderAdapter } from './provider-adapter.interface';
import type { UpstreamHttpClient } from './upstream/upstream-http.client';

export interface ProviderAdapterFactoryOptions {
  /** The process's one upstream client. */
  readonly http: UpstreamHttpClient;
  /**
   * Root URL of the built-in mock LLM (what `startMockLlm` returns), used by `mock` endpoints without a
   * `url`; they call its default instance at `{mockLlmUrl}/v1`.
   */
  readonly mockLlmUrl: string | null;
}

/** Builds the adapter of one configured endpoint. Throws (at start) when the endpoint cannot be served. */
export function createProviderAdapter(
  endpoint: ResolvedEndpoint,
  options: ProviderAdapterFactoryOptions,
): ProviderAdapter {
  const { http } = options;
  switch (endpoint.provider) {
    case 'openai':
      return new OpenAiAdapter(http, endpoint, endpoint.url);
    case 'azure-openai':
      return new AzureOpenAiAdapter(http, endpoint, requireUrl(endpoint));
    case 'openai-compatible':
      return new OpenAiCompatibleAdapter(http, endpoint, requireUrl(endpoint));
    case 'anthropic':
      return new AnthropicAdapter(http, endpoint, endpoint.url);
    case 'gemini':
      return new GeminiAdapter(http, endpoint, endpoint.url);
    case 'deepseek':
    case 'mistral':
    case 'openrouter':
    case 'vllm':
    case 'ollama':
      return new OpenAiCompatiblePresetAdapter(http, endpoint, endpoint.provider, endpoint.url);
    case 'mock':
      return new MockAdapter(http, endpoint, endpoint.url ?? builtInMockUrl(endpoint, options.mockLlmUrl));
    default:
      return unknownProvider(endpoint.provider);
  }
}

function requireUrl(endpoint: ResolvedEndpoint): string {
  if (!endpoint.url) throw new Error(`endpoint ${endpoint.id}: provider ${endpoint.provider} needs a url`);
  return endpoint.url;
}

function builtInMockUrl(endpoint: ResolvedEndpoint, mockLlmUrl: string | null): string {
  if (mockLlmUrl === null)
    throw new Error(`endpoint ${endpoint.id}: provider mock has no url and no built-in mock LLM is running`);
  const root = mockLlmUrl.replace(/\/+$/, '');
  return root.endsWith('/v1') ? root : `${root}/v1`;
}

function unknownProvider(provider: never): never {
  throw new Error(`unknown provider ${String(provider)}`);
}
