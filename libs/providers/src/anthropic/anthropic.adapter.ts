import type { ProviderKind } from '@aigw/config';
import type { AuthConvention } from '../endpoint-settings/endpoint-auth.mapper';
import type { ChatRequest, TranslationContext } from '../translation/openai-chat.types';
import type { StreamTranslator } from '../translation/translated-stream.mapper';
import type {
  TranslatedCompletion,
  TranslatingEndpoint,
  VendorCall,
} from '../translation/translating.adapter';
import { TranslatingAdapter } from '../translation/translating.adapter';
import type { UpstreamHttpClient } from '../upstream/upstream-http.client';
import type { VendorErrorParser } from '../upstream/upstream-outcome.mapper';
import { parseAnthropicError } from './anthropic-error.mapper';
import { toAnthropicRequest } from './anthropic-request.mapper';
import { fromAnthropicMessage } from './anthropic-response.mapper';
import { AnthropicStreamTranslator } from './anthropic-stream.mapper';

export const ANTHROPIC_DEFAULT_URL = 'https://api.anthropic.com';
/** https://docs.anthropic.com/en/api/versioning */
export const ANTHROPIC_DEFAULT_VERSION = '2023-06-01';

/**
 * Anthropic Messages: `POST {url}/v1/messages` with `x-api-key` and `anthropic-version` (the endpoint's
 * `apiVersion`, else 2023-06-01). Chat only.
 */
export class AnthropicAdapter extends TranslatingAdapter {
  readonly provider: ProviderKind = 'anthropic';
  protected readonly auth: AuthConvention = { header: 'x-api-key', scheme: '' };
  protected readonly parseError: VendorErrorParser = parseAnthropicError;

  /** `url` is the API root; a trailing `/v1` is tolerated. */
  constructor(http: UpstreamHttpClient, endpoint: TranslatingEndpoint, url: string = ANTHROPIC_DEFAULT_URL) {
    super(http, endpoint, url.replace(/\/+$/, '').replace(/\/v1$/, ''));
  }

  protected override vendorHeaders(): Record<string, string> {
    return { 'anthropic-version': this.endpoint.apiVersion ?? ANTHROPIC_DEFAULT_VERSION };
  }

  protected chatCall(request: ChatRequest, stream: boolean): VendorCall {
    return { url: `${this.baseUrl}/v1/messages`, body: toAnthropicRequest(request, stream) };
  }

  protected chatCompletion(
    json: Record<string, unknown>,
    request: ChatRequest,
    context: TranslationContext,
  ): TranslatedCompletion {
    return fromAnthropicMessage(json, request.model, context);
  }

  protected streamTranslator(request: ChatRequest, context: TranslationContext): StreamTranslator {
    return new AnthropicStreamTranslator(
      request.model,
      context.created,
      context.newId('msg_'),
      request.includeUsage,
    );
  }
}
