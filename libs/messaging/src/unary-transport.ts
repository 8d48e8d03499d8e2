import type { HeaderRecord } from '@aigw/observability';

/** Called once with the reply of a request, or with what it failed with (`error` non-null). */
export type UnaryReply = (error: unknown, response?: unknown) => void;

/**
 * Request/reply without Observables, the inference hot path: Nest's `ClientProxy.send` builds an
 * Observable chain (defer, timeout, catchError, finalize) per message, which costs more than the
 * message itself in one process. Both transports implement it; `BusClient.request` adds the span,
 * the timeout and the abort on top. Streams keep the Observable API (`BusClient.stream`).
 */
export interface UnaryTransport {
  /** Sends one request; `reply` runs at most once. The returned function gives up on the reply. */
  requestOnce(subject: string, data: unknown, headers: HeaderRecord, reply: UnaryReply): () => void;
}
