import type { ProviderKind } from '@aigw/config';
import type { AuthConvention } from '../endpoint-settings/endpoint-auth.mapper';
import type { OpenAiDialect } from '../openai-compatible/openai-dialect.types';
import { OPENAI_DIALECT } from '../openai-compatible/openai-dialect.types';
import type { OpenAiCompatibleEndpoint } from '../openai-compatible/openai-compatible.adapter';
import { OpenAiCompatibleAdapter } from '../openai-compatible/openai-compatible.adapter';
import type { OpenAiPath } from '../openai-compatible/openai-wire.types';
import type { UpstreamHttpClient } from '../upstream/upstream-http.client';

/** The GA data-plane version (https://learn.microsoft.com/azure/ai-services/openai/reference). */
export const AZURE_OPENAI_DEFAULT_API_VERSION = '2024-10-21';

/**
 * Azure OpenAI: the deployment is in the path, the version in the query, the key in `api-key` (raw).
 * `{url}/openai/deployments/{deployment}/chat/completions?api-version={apiVersion}`.
 */
export class AzureOpenAiAdapter extends OpenAiCompatibleAdapter {
  override readonly provider: ProviderKind = 'azure-openai';
  protected override readonly auth: AuthConvention = { header: 'api-key', scheme: '' };
  protected override readonly dialect: OpenAiDialect = OPENAI_DIALECT;
  private readonly deployment: string;
  private readonly apiVersion: string;

  /** `resourceUrl` is the resource root, e.g. `https://my-resource.openai.azure.com`. */
  constructor(http: UpstreamHttpClient, endpoint: OpenAiCompatibleEndpoint, resourceUrl: string) {
    super(http, endpoint, resourceUrl);
    if (!endpoint.deployment) throw new Error(`endpoint ${endpoint.id}: azure-openai needs a deployment`);
    this.deployment = endpoint.deployment;
    this.apiVersion = endpoint.apiVersion ?? AZURE_OPENAI_DEFAULT_API_VERSION;
  }

  protected override urlFor(path: OpenAiPath): string {
    const deployment = encodeURIComponent(this.deployment);
    const version = encodeURIComponent(this.apiVersion);
    return `${this.baseUrl}/openai/deployments/${deployment}/${path}?api-version=${version}`;
  }
}
