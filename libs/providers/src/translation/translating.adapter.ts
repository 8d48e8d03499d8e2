import { randomBytes } from 'node:crypto';
import type { ProviderKind, ResolvedEndpoint } from '@aigw/config';
import type { Usage } from '@aigw/contracts';
import { GatewayError } from '@aigw/contracts';
import type { AuthConvention } from '../endpoint-settings/endpoint-auth.mapper';
import { endpointAuthHeaders } from '../endpoint-settings/endpoint-auth.mapper';
import { isPlainObject, mergeEndpointOptions } from '../endpoint-settings/endpoint-body.mapper';
import type {
  OpenAiRequestBody,
  ProviderAdapter,
  ProviderOperation,
  ProviderResponse,
  ProviderStream,
} from '../provider-adapter.interface';
import { UpstreamFailure } from '../upstream/upstream-failure.error';
import type { UpstreamHttpClient } from '../upstream/upstream-http.client';
import type { VendorErrorParser } from '../upstream/upstream-outcome.mapper';
import { readChatRequest } from './openai-chat-request.reader';
import type { ChatRequest, OpenAiChatCompletionOut, TranslationContext } from './openai-chat.types';
import type { StreamTranslator } from './translated-stream.mapper';
import { translatedChunks } from './translated-stream.mapper';

/** The endpoint settings a translating adapter reads. */
export type TranslatingEndpoint = Pick<
  ResolvedEndpoint,
  | 'id'
  | 'model'
  | 'timeoutMs'
  | 'allowPrivateNetwork'
  | 'apiKey'
  | 'authHeader'
  | 'authScheme'
  | 'options'
  | 'maxTokensCap'
  | 'apiVersion'
>;

/** One request in the vendor's format, before the endpoint's `options` are merged in. */
export interface VendorCall {
  readonly url: string;
  readonly body: Record<string, unknown>;
}

/** A vendor answer translated to a `chat.completion`. */
export interface TranslatedCompletion {
  readonly body: OpenAiChatCompletionOut;
  readonly model: string;
  readonly usage: Usage | null;
}

const OPERATION_NAMES: Readonly<Record<ProviderOperation, string>> = {
  chat: 'chat completions',
  completions: 'legacy completions',
  embeddings: 'embeddings',
};

/**
 * The base of adapters whose vendor speaks its own API (Anthropic Messages, Gemini): the OpenAI request
 * is read and checked, translated to the vendor's format, merged with the endpoint's `options`, sent
 * through the shared client, and the answer translated back — streams chunk by chunk. Operations the
 * vendor lacks are a 400 (config loading rejects them first).
 */
export abstract class TranslatingAdapter implements ProviderAdapter {
  abstract readonly provider: ProviderKind;
  protected abstract readonly auth: AuthConvention;
  protected abstract readonly parseError: VendorErrorParser;
  protected readonly baseUrl: string;

  constructor(
    protected readonly http: UpstreamHttpClient,
    protected readonly endpoint: TranslatingEndpoint,
    baseUrl: string,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  get endpointId(): string {
    return this.endpoint.id;
  }

  protected abstract chatCall(request: ChatRequest, stream: boolean): VendorCall;
  protected abstract chatCompletion(
    json: Record<string, unknown>,
    request: ChatRequest,
    context: TranslationContext,
  ): TranslatedCompletion;
  protected abstract streamTranslator(request: ChatRequest, context: TranslationContext): StreamTranslator;

  /** Headers every request of this vendor carries besides the key (e.g. `anthropic-version`). */
  protected vendorHeaders(): Record<string, string> {
    return {};
  }

  async chat(body: OpenAiRequestBody, signal: AbortSignal): Promise<ProviderResponse> {
    const request = readChatRequest(body, this.endpoint);
    const call = this.chatCall(request, false);
    const { status, json } = await this.postJson(
      { url: call.url, body: mergeEndpointOptions(call.body, this.endpoint.options) },
      signal,
    );
    const completion = this.chatCompletion(json, request, newTranslationContext());
    return { status, body: completion.body, model: completion.model, usage: completion.usage };
  }

  async chatStream(body: OpenAiRequestBody, signal: AbortSignal): Promise<ProviderStream> {
    const request = readChatRequest(body, this.endpoint);
    const call = this.chatCall(request, true);
    const reply = await this.http.postStream({
      url: call.url,
      headers: this.headers(),
      body: mergeEndpointOptions(call.body, this.endpoint.options),
      timeoutMs: this.endpoint.timeoutMs,
      allowPrivateNetwork: this.endpoint.allowPrivateNetwork,
      signal,
      parseError: this.parseError,
    });
    const translator = this.streamTranslator(request, newTranslationContext());
    return {
      status: reply.status,
      model: request.model,
      chunks: translatedChunks(reply.body, translator),
      usage: () => translator.usage(),
    };
  }

  completions(_body: OpenAiRequestBody, _signal: AbortSignal): Promise<ProviderResponse> {
    return Promise.reject(this.unsupported('completions'));
  }

  completionsStream(_body: OpenAiRequestBody, _signal: AbortSignal): Promise<ProviderStream> {
    return Promise.reject(this.unsupported('completions'));
  }

  embeddings(_body: OpenAiRequestBody, _signal: AbortSignal): Promise<ProviderResponse> {
    return Promise.reject(this.unsupported('embeddings'));
  }

  protected unsupported(operation: ProviderOperation): GatewayError {
    return new GatewayError(
      'invalid_request',
      `Provider ${this.provider} (endpoint ${this.endpoint.id}) does not support ${OPERATION_NAMES[operation]}.`,
      { param: 'model' },
    );
  }

  protected headers(): Record<string, string> {
    return { ...this.vendorHeaders(), ...endpointAuthHeaders(this.endpoint, this.auth) };
  }

  probe(path: string, timeoutMs: number, withAuth: boolean): Promise<number> {
    return this.http.probe(
      `${this.baseUrl}${path}`,
      withAuth ? this.headers() : this.vendorHeaders(),
      timeoutMs,
      this.endpoint.allowPrivateNetwork,
    );
  }

  /** Posts a non-streaming request as is; the answer must be a JSON object. */
  protected async postJson(
    call: VendorCall,
    signal: AbortSignal,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const reply = await this.http.postJson({
      url: call.url,
      headers: this.headers(),
      body: call.body,
      timeoutMs: this.endpoint.timeoutMs,
      allowPrivateNetwork: this.endpoint.allowPrivateNetwork,
      signal,
      parseError: this.parseError,
    });
    if (!isPlainObject(reply.json))
      throw new UpstreamFailure(
        'server_error',
        'the upstream answered with a body that is not a JSON object',
      );
    return { status: reply.status, json: reply.json };
  }
}

export function newTranslationContext(): TranslationContext {
  return {
    created: Math.floor(Date.now() / 1000),
    newId: (prefix) => `${prefix}${randomBytes(12).toString('hex')}`,
  };
}
