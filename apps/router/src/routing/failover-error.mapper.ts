import { GatewayError } from '@aigw/contracts';
import type { UpstreamFailureKind } from '@aigw/providers';

/** Why one endpoint did not serve a request. */
export type EndpointMiss =
  | { readonly endpointId: string; readonly kind: 'cooling_down'; readonly retryAfterMs: number }
  /** The endpoint's own quota (`rpm`, `tpm`…) has no room: skipped (APISIX `rate_limiting`). */
  | { readonly endpointId: string; readonly kind: 'rate_limiting'; readonly retryAfterMs: number }
  | {
      readonly endpointId: string;
      readonly kind: UpstreamFailureKind;
      readonly reason: string;
      /** For `rate_limited`: the cool-down still left. */
      readonly retryAfterMs: number | null;
    };

/**
 * The error of a request no endpoint served. Every endpoint rate limited (now, cooling down from
 * before, or out of its own quota) → 429 with the soonest retry; every other failure a timeout → 504; otherwise 502. The message
 * lists each endpoint and why, with reasons that never contain URLs or keys.
 */
export function failoverError(misses: readonly EndpointMiss[]): GatewayError {
  if (misses.length === 0)
    return new GatewayError('upstream_error', 'The application has no endpoint to try.');
  const list = misses.map((m) => `${m.endpointId}: ${describe(m)}`).join('; ');

  const limited = misses.filter(isRateLimited);
  if (limited.length === misses.length) {
    const retryAfterMs = Math.min(...limited.map((m) => Math.max(0, Math.ceil(m.retryAfterMs ?? 0))));
    return new GatewayError('rate_limit_exceeded', `all endpoints are rate limited: ${list}`, {
      retryAfterMs,
    });
  }
  const failed = misses.filter((m) => !isRateLimited(m));
  const code = failed.every((m) => m.kind === 'timeout') ? 'upstream_timeout' : 'upstream_error';
  return new GatewayError(code, `all endpoints failed: ${list}`);
}

function isRateLimited(miss: EndpointMiss): boolean {
  return miss.kind === 'cooling_down' || miss.kind === 'rate_limited' || miss.kind === 'rate_limiting';
}

function describe(miss: EndpointMiss): string {
  if (miss.kind === 'rate_limiting')
    return `its quota is used up (retry in ${Math.ceil(miss.retryAfterMs)} ms)`;
  if (miss.kind === 'cooling_down')
    return `cooling down after HTTP 429 (retry in ${Math.ceil(miss.retryAfterMs)} ms)`;
  if (miss.kind === 'rate_limited' && miss.retryAfterMs !== null)
    return `${miss.reason} (retry in ${Math.ceil(miss.retryAfterMs)} ms)`;
  return miss.reason;
}
