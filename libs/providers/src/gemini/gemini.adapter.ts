import type { ProviderKind } from '@aigw/config';
import type { AuthConvention } from '../endpoint-settings/endpoint-auth.mapper';
import { mergeEndpointOptions } from '../endpoint-settings/endpoint-body.mapper';
import { encodeEmbeddings, requestedEncoding } from '../openai-compatible/openai-embeddings.mapper';
import type { OpenAiRequestBody, ProviderResponse } from '../provider-adapter.interface';
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
import { fromGeminiEmbeddings, toGeminiEmbedRequest } from './gemini-embeddings.mapper';
import { parseGeminiError } from './gemini-error.mapper';
import { toGeminiRequest } from './gemini-request.mapper';
import { fromGeminiResponse } from './gemini-response.mapper';
import { GeminiStreamTranslator } from './gemini-stream.mapper';

export const GEMINI_DEFAULT_URL = 'https://generativelanguage.googleapis.com';
export const GEMINI_DEFAULT_API_VERSION = 'v1beta';

/**
 * Google Gemini API: `POST {url}/{apiVersion}/models/{model}:generateContent`, streams from
 * `:streamGenerateContent?alt=sse`, embeddings from `:batchEmbedContents`, the key in `x-goog-api-key`.
 * For embeddings the endpoint's `options` are merged into each `requests[]` entry (e.g. `taskType`).
 */
export class GeminiAdapter extends TranslatingAdapter {
  readonly provider: ProviderKind = 'gemini';
  protected readonly auth: AuthConvention = { header: 'x-goog-api-key', scheme: '' };
  protected readonly parseError: VendorErrorParser = parseGeminiError;
  private readonly apiVersion: string;

  /** `url` is the API root; a trailing API version segment is tolerated. */
  constructor(http: UpstreamHttpClient, endpoint: TranslatingEndpoint, url: string = GEMINI_DEFAULT_URL) {
    const apiVersion = endpoint.apiVersion ?? GEMINI_DEFAULT_API_VERSION;
    const root = url.replace(/\/+$/, '');
    super(http, endpoint, root.endsWith(`/${apiVersion}`) ? root.slice(0, -apiVersion.length - 1) : root);
    this.apiVersion = apiVersion;
  }

  override async embeddings(body: OpenAiRequestBody, signal: AbortSignal): Promise<ProviderResponse> {
    const model = this.endpoint.model ?? (typeof body.model === 'string' ? body.model : '');
    const request = toGeminiEmbedRequest(body, modelId(model));
    const requests = request.requests.map((r) => mergeEndpointOptions(r, this.endpoint.options));
    const { status, json } = await this.postJson(
      { url: this.methodUrl(model, 'batchEmbedContents'), body: { requests } },
      signal,
    );
    const vectors = fromGeminiEmbeddings(json, model, requests.length);
    return { status, body: encodeEmbeddings(vectors, requestedEncoding(body)), model, usage: null };
  }

  protected chatCall(request: ChatRequest, stream: boolean): VendorCall {
    const url = stream
      ? `${this.methodUrl(request.model, 'streamGenerateContent')}?alt=sse`
      : this.methodUrl(request.model, 'generateContent');
    return { url, body: toGeminiRequest(request) };
  }

  protected chatCompletion(
    json: Record<string, unknown>,
    request: ChatRequest,
    context: TranslationContext,
  ): TranslatedCompletion {
    return fromGeminiResponse(json, request.model, context);
  }

  protected streamTranslator(request: ChatRequest, context: TranslationContext): StreamTranslator {
    return new GeminiStreamTranslator(request.model, context, request.includeUsage);
  }

  private methodUrl(model: string, method: string): string {
    return `${this.baseUrl}/${this.apiVersion}/models/${encodeURIComponent(modelId(model))}:${method}`;
  }
}

/** Model names may be given as resource names (`models/gemini-2.0-flash`). */
function modelId(model: string): string {
  return model.replace(/^models\//, '');
}
