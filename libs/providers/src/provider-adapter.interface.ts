import type { Usage } from '@aigw/contracts';
import type { ProviderKind } from '@aigw/config';

/** A client request body in the OpenAI shape, as validated by the gateway. */
export type OpenAiRequestBody = Readonly<Record<string, unknown>>;

/** The operations a provider adapter serves, named after their OpenAI paths. */
export type ProviderOperation = 'chat' | 'completions' | 'embeddings';

/** A non-streaming answer, normalised so that routing and metrics never re-parse bodies. */
export interface ProviderResponse {
  /** The upstream HTTP status (2xx). */
  readonly status: number;
  /** The OpenAI-shaped response JSON returned to the client. */
  readonly body: Record<string, unknown>;
  /**
   * The body's JSON text as the upstream sent it, when `body` is that text parsed and nothing else:
   * the gateway relays it as is. Absent when the adapter made the body (a translation, an encoding).
   */
  readonly text?: string;
  /** The model the upstream reported (falls back to the model requested upstream). */
  readonly model: string;
  readonly usage: Usage | null;
}

/** A stream whose endpoint has accepted the request (2xx headers): failover is over. */
export interface ProviderStream {
  /** The upstream HTTP status (2xx). */
  readonly status: number;
  /** The model requested upstream; chunks carry the model the upstream reports. */
  readonly model: string;
  /**
   * The JSON text of each OpenAI chunk up to the end of the answer (`[DONE]` excluded): passed through
   * unchanged from OpenAI-compatible upstreams, translated from the events of the others. In batches,
   * never empty: the chunks of one upstream read travel on together (to the gateway, over the bus, into
   * one socket write), so a burst costs one pass down the pipeline instead of one a chunk; a model that
   * streams token by token gives batches of one. Throws an `UpstreamFailure` if the upstream cuts the
   * stream, sends a malformed chunk or an error event. Abort the signal to stop it.
   */
  readonly chunks: AsyncIterable<readonly string[]>;
  /** The usage of the final usage chunk, once the stream has ended; null if the upstream sent none. */
  usage(): Usage | null;
}

/**
 * One configured endpoint of one provider. Adapters translate the OpenAI-shaped request to the vendor's
 * wire format, call it through the shared `UpstreamHttpClient`, and translate the answer back.
 * Each method rejects with an `UpstreamFailure` (the endpoint failed: try the next one), a `GatewayError`
 * (the client's mistake), or the abort error when `signal` was aborted.
 */
export interface ProviderAdapter {
  readonly provider: ProviderKind;
  readonly endpointId: string;
  chat(body: OpenAiRequestBody, signal: AbortSignal): Promise<ProviderResponse>;
  chatStream(body: OpenAiRequestBody, signal: AbortSignal): Promise<ProviderStream>;
  completions(body: OpenAiRequestBody, signal: AbortSignal): Promise<ProviderResponse>;
  completionsStream(body: OpenAiRequestBody, signal: AbortSignal): Promise<ProviderStream>;
  embeddings(body: OpenAiRequestBody, signal: AbortSignal): Promise<ProviderResponse>;
  /**
   * Active health check: GET `path` under the endpoint's base URL (with its key when `withAuth`); the
   * HTTP status, or an `UpstreamFailure` for a timeout or a connection error.
   */
  probe(path: string, timeoutMs: number, withAuth: boolean): Promise<number>;
}
