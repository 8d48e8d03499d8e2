import { GatewayError } from '@aigw/contracts';
import type { UpstreamFailureKind } from '@aigw/providers';

/** Why one endpoint did not serve a request. */
export type EndpointMiss =
  | { readonly endpointId: string; readonly kind: 'cooling_down'; readonly retryAfterMs: number }
  /** The endpoint's own quota (`rpm`, `tpm`…) has no room: skipped (APISIX `rate_limiting`). */
  | { readonly endpointId: string; readonly kind: 'rate_limiting'; readonly retryAfterMs: number }
  /** `model-based`: this model of the endpoint is suspended after a 429 (APK). */
  | {
      readonly endpointId: string;
      readonly kind: 'suspended';
      readonly model: string;
      readonly retryAfterMs: number;
    }
  /** Skipped: it answered a 5xx that said when to come back (Anthropic 529 overloaded). */
  | { readonly endpointId: string; readonly kind: 'overloaded'; readonly retryAfterMs: number }
  /** The endpoint's circuit breaker is open, or half-open with its probe under way. */
  | { readonly endpointId: string; readonly kind: 'circuit_open'; readonly retryAfterMs: number }
  /** Not attempted: the retry budget or the attempt limit ran out, or the fallback policy ends the walk. */
  | { readonly endpointId: string; readonly kind: 'not_tried'; readonly reason: string }
  | {
      readonly endpointId: string;
      readonly kind: UpstreamFailureKind;
      readonly reason: string;
      /**
       * For `rate_limited`, and a `server_error` that said when to come back (Anthropic 529
       * overloaded): the cool-down still left.
       */
      readonly retryAfterMs: number | null;
    };

const isLimited = (m: EndpointMiss) =>
  m.kind === 'cooling_down' ||
  m.kind === 'rate_limited' ||
  m.kind === 'suspended' ||
  m.kind === 'rate_limiting';

/** A 5xx that says when to come back: the endpoint is overloaded, not broken (Anthropic 529). */
const isOverloaded = (m: EndpointMiss) =>
  m.kind === 'overloaded' || (m.kind === 'server_error' && m.retryAfterMs !== null);

/**
 * The error of a request no endpoint served. Every endpoint rate limited (now, cooling down from before,
 * out of its own quota, or its model suspended) → 429 with the soonest retry; only open breakers,
 * overloaded endpoints and rate limits → 503 with the soonest retry; every other failure a timeout →
 * 504; otherwise 502. Endpoints not tried do not decide the status. The message lists each endpoint and
 * why, with reasons that never contain URLs or keys.
 */
export function failoverError(misses: readonly EndpointMiss[]): GatewayError {
  if (misses.length === 0)
    return new GatewayError('upstream_error', 'The application has no endpoint to try.');
  const list = misses.map((m) => `${m.endpointId}: ${describe(m)}`).join('; ');
  const decisive = misses.filter((m) => m.kind !== 'not_tried');

  const limited = decisive.filter(isLimited);
  if (limited.length === decisive.length && limited.length > 0)
    return new GatewayError('rate_limit_exceeded', `all endpoints are rate limited: ${list}`, {
      retryAfterMs: soonest(limited),
    });
  const unavailable = decisive.filter((m) => m.kind === 'circuit_open' || isOverloaded(m));
  if (unavailable.length > 0 && unavailable.length + limited.length === decisive.length)
    return new GatewayError('service_unavailable', `no endpoint is available: ${list}`, {
      retryAfterMs: soonest([...unavailable, ...limited]),
    });
  const failed = decisive.filter(
    (m) => !isLimited(m) && m.kind !== 'circuit_open' && m.kind !== 'overloaded',
  );
  const code =
    failed.length > 0 && failed.every((m) => m.kind === 'timeout') ? 'upstream_timeout' : 'upstream_error';
  return new GatewayError(code, `all endpoints failed: ${list}`);
}

function soonest(misses: readonly EndpointMiss[]): number {
  return Math.min(
    ...misses.map((m) => ('retryAfterMs' in m ? Math.max(0, Math.ceil(m.retryAfterMs ?? 0)) : 0)),
  );
}

function describe(miss: EndpointMiss): string {
  switch (miss.kind) {
    case 'rate_limiting':
      return `its quota is used up (retry in ${Math.ceil(miss.retryAfterMs)} ms)`;
    case 'cooling_down':
      return `cooling down after HTTP 429 (retry in ${Math.ceil(miss.retryAfterMs)} ms)`;
    case 'suspended':
      return `model ${miss.model} suspended after HTTP 429 (retry in ${Math.ceil(miss.retryAfterMs)} ms)`;
    case 'overloaded':
      return `overloaded (retry in ${Math.ceil(miss.retryAfterMs)} ms)`;
    case 'circuit_open':
      return miss.retryAfterMs > 0
        ? `circuit open (retry in ${Math.ceil(miss.retryAfterMs)} ms)`
        : 'circuit half-open, probe under way';
    case 'not_tried':
      return `not tried (${miss.reason})`;
    case 'rate_limited':
    case 'server_error':
      return miss.retryAfterMs === null
        ? miss.reason
        : `${miss.reason} (retry in ${Math.ceil(miss.retryAfterMs)} ms)`;
    default:
      return miss.reason;
  }
}
