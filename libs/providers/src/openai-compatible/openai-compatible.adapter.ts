import type { ProviderKind, ResolvedEndpoint } from '@aigw/config';
import type { AuthConvention } from '../endpoint-settings/endpoint-auth.mapper';
import { BEARER_AUTH, endpointAuthHeaders } from '../endpoint-settings/endpoint-auth.mapper';
import type {
  OpenAiRequestBody,
  ProviderAdapter,
  ProviderOperation,
  ProviderResponse,
  ProviderStream,
} from '../provider-adapter.interface';
import type { UpstreamCall, UpstreamHttpClient } from '../upstream/upstream-http.client';
import { UpstreamFailure } from '../upstream/upstream-failure.error';
import type { VendorErrorParser } from '../upstream/upstream-outcome.mapper';
import { encodeEmbeddings, requestedEncoding } from './openai-embeddings.mapper';
import type { OpenAiDialect } from './openai-dialect.types';
import { OPENAI_COMPATIBLE_DIALECT } from './openai-dialect.types';
import { parseOpenAiError } from './openai-error.mapper';
import { OPENAI_PATHS, modelOf, toUpstreamBody } from './openai-request.mapper';
import type { StreamUsageSink } from './openai-stream.mapper';
import { openAiStreamChunks } from './openai-stream.mapper';
import { toUsage } from './openai-usage.mapper';
import type { OpenAiPath, OpenAiResponseHead } from './openai-wire.types';

/** The endpoint settings an OpenAI-compatible adapter reads. */
export type OpenAiCompatibleEndpoint = Pick<
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
  | 'deployment'
  | 'apiVersion'
>;

/**
 * The reusable base for every vendor that speaks the OpenAI API: a base URL (`…/v1`) and an optional
 * bearer key. Vendors that differ in URL layout override `urlFor`; in auth or request fields, declare
 * their `auth` convention and `dialect`.
 */
export class OpenAiCompatibleAdapter implements ProviderAdapter {
  readonly provider: ProviderKind = 'openai-compatible';
  protected readonly baseUrl: string;
  protected readonly parseError: VendorErrorParser = parseOpenAiError;
  protected readonly auth: AuthConvention = BEARER_AUTH;
  protected readonly dialect: OpenAiDialect = OPENAI_COMPATIBLE_DIALECT;

  constructor(
    protected readonly http: UpstreamHttpClient,
    protected readonly endpoint: OpenAiCompatibleEndpoint,
    baseUrl: string,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  get endpointId(): string {
    return this.endpoint.id;
  }

  chat(body: OpenAiRequestBody, signal: AbortSignal): Promise<ProviderResponse> {
    return this.complete('chat', body, signal);
  }

  chatStream(body: OpenAiRequestBody, signal: AbortSignal): Promise<ProviderStream> {
    return this.stream('chat', body, signal);
  }

  completions(body: OpenAiRequestBody, signal: AbortSignal): Promise<ProviderResponse> {
    return this.complete('completions', body, signal);
  }

  completionsStream(body: OpenAiRequestBody, signal: AbortSignal): Promise<ProviderStream> {
    return this.stream('completions', body, signal);
  }

  async embeddings(body: OpenAiRequestBody, signal: AbortSignal): Promise<ProviderResponse> {
    // The body changes (`encoding_format`): its upstream text is not the answer any more.
    const { text: _upstreamText, ...response } = await this.complete('embeddings', body, signal);
    return { ...response, body: encodeEmbeddings(response.body, requestedEncoding(body)) };
  }

  protected urlFor(path: OpenAiPath): string {
    return `${this.baseUrl}/${path}`;
  }

  protected authHeaders(): Record<string, string> {
    return endpointAuthHeaders(this.endpoint, this.auth);
  }

  probe(path: string, timeoutMs: number, withAuth: boolean): Promise<number> {
    return this.http.probe(
      `${this.baseUrl}${path}`,
      withAuth ? this.authHeaders() : {},
      timeoutMs,
      this.endpoint.allowPrivateNetwork,
    );
  }

  /** The upstream request of an operation: this endpoint's URL, auth, timeout and network rule. */
  private call(operation: ProviderOperation, body: OpenAiRequestBody, signal: AbortSignal): UpstreamCall {
    return {
      url: this.urlFor(OPENAI_PATHS[operation]),
      headers: this.authHeaders(),
      body,
      timeoutMs: this.endpoint.timeoutMs,
      allowPrivateNetwork: this.endpoint.allowPrivateNetwork,
      signal,
      parseError: this.parseError,
    };
  }

  private async complete(
    operation: ProviderOperation,
    body: OpenAiRequestBody,
    signal: AbortSignal,
  ): Promise<ProviderResponse> {
    const upstreamBody = toUpstreamBody(operation, body, this.endpoint, false, this.dialect);
    const reply = await this.http.postJson(this.call(operation, upstreamBody, signal));
    if (typeof reply.json !== 'object' || reply.json === null || Array.isArray(reply.json))
      throw new UpstreamFailure(
        'server_error',
        'the upstream answered with a body that is not a JSON object',
      );
    const json = reply.json as Record<string, unknown> & OpenAiResponseHead;
    return {
      status: reply.status,
      body: json,
      text: reply.text,
      model: typeof json.model === 'string' && json.model !== '' ? json.model : modelOf(upstreamBody),
      usage: toUsage(json.usage),
    };
  }

  private async stream(
    operation: ProviderOperation,
    body: OpenAiRequestBody,
    signal: AbortSignal,
  ): Promise<ProviderStream> {
    const upstreamBody = toUpstreamBody(operation, body, this.endpoint, true, this.dialect);
    const reply = await this.http.postStream(this.call(operation, upstreamBody, signal));
    const sink: StreamUsageSink = { usage: null };
    return {
      status: reply.status,
      model: modelOf(upstreamBody),
      chunks: openAiStreamChunks(reply.body, sink),
      usage: () => sink.usage,
    };
  }
}
