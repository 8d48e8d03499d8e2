/** Why an endpoint could not serve a request. Every kind sends the router to the next endpoint. */
export type UpstreamFailureKind = 'rate_limited' | 'server_error' | 'timeout' | 'connection_error';

/**
 * An endpoint-level failure: not the client's fault, so the router may try the next endpoint (before a
 * stream starts) or report it (after). `reason` is short and safe to show: never a URL, key or header.
 */
export class UpstreamFailure extends Error {
  constructor(
    readonly kind: UpstreamFailureKind,
    readonly reason: string,
    readonly status: number | null = null,
    /**
     * How long the endpoint asked us to wait: always for `rate_limited`; for a `server_error` only when
     * the vendor names a cool-down (Anthropic 529 overloaded), else null.
     */
    readonly retryAfterMs: number | null = null,
  ) {
    super(reason);
    this.name = 'UpstreamFailure';
  }
}
