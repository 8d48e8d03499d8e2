import type { ProviderKind } from '@aigw/config';
import type { OpenAiCompatibleEndpoint } from '../openai-compatible/openai-compatible.adapter';
import { OpenAiCompatibleAdapter } from '../openai-compatible/openai-compatible.adapter';
import type { UpstreamHttpClient } from '../upstream/upstream-http.client';

/**
 * The repo's mock LLM: an OpenAI-compatible server at the endpoint's URL or the built-in one's. It runs
 * beside the gateway, so it is always allowed on private networks.
 */
export class MockAdapter extends OpenAiCompatibleAdapter {
  override readonly provider: ProviderKind = 'mock';

  constructor(http: UpstreamHttpClient, endpoint: OpenAiCompatibleEndpoint, baseUrl: string) {
    super(http, { ...endpoint, allowPrivateNetwork: true }, baseUrl);
  }
}
