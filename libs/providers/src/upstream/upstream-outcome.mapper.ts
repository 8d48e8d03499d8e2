import { GatewayError } from '@aigw/contracts';
import { DEFAULT_RETRY_AFTER_MS, parseRetryAfterMs } from './retry-after.mapper';
import { UpstreamFailure } from './upstream-failure.error';
import type { UpstreamHeaders } from './upstream-headers';

/** What a vendor's error body says, once its envelope is unwrapped (see each provider's error mapper). */
export interface VendorError {
  readonly message: string;
  readonly param: string | null;
  /**
   * A wait the body asks for (Gemini `google.rpc.RetryInfo`), or a vendor's cool-down for an overloaded
   * endpoint (Anthropic 529). A `retry-after` header wins over it.
   */
  readonly retryAfterMs?: number;
  /** The body blames the endpoint, not the request (Gemini's HTTP 400 for an invalid API key). */
  readonly endpointFault?: boolean;
}
export type VendorErrorParser = (bodyText: string) => VendorError | null;

export interface UpstreamResponseHead {
  readonly status: number;
  readonly headers: UpstreamHeaders;
  /** The body of a non-2xx response (bounded); empty for 2xx. */
  readonly errorBody: string;
}

export type UpstreamOutcome =
  | { readonly kind: 'ok' }
  /** The endpoint failed: try the next one. */
  | { readonly kind: 'failover'; readonly failure: UpstreamFailure }
  /** The client's mistake: no other endpoint will do better, so it goes back to the client. */
  | { readonly kind: 'reject'; readonly error: GatewayError };

const MAX_MESSAGE_CHARS = 2_000;

/**
 * Classifies an upstream HTTP response. 401/403 mean our provider key is wrong — an endpoint failure,
 * never the client's fault, as is a 4xx whose vendor body blames the endpoint; 408 is the upstream
 * timing out; other 4xx are passed through unchanged. A 429 waits for `retry-after`, else the body's
 * hint, else the default; a 5xx carries a cool-down only when its vendor body asks for one.
 */
export function classifyUpstreamResponse(
  response: UpstreamResponseHead,
  options: { now: number; parseError: VendorErrorParser; defaultRetryAfterMs?: number },
): UpstreamOutcome {
  const { status } = response;
  const failover = (kind: UpstreamFailure['kind'], retryAfterMs: number | null = null): UpstreamOutcome => ({
    kind: 'failover',
    failure: new UpstreamFailure(kind, `HTTP ${status}`, status, retryAfterMs),
  });

  if (status >= 200 && status < 300) return { kind: 'ok' };
  const vendor = safeParse(options.parseError, response.errorBody);
  const hint = vendor?.retryAfterMs;
  if (status === 429) {
    const fallback = hint ?? options.defaultRetryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
    return failover('rate_limited', parseRetryAfterMs(response.headers, options.now, fallback));
  }
  if (status === 408) return failover('timeout');
  // Redirects are never followed: a provider has no reason to send one, and following it could reach
  // an address the endpoint's URL was checked not to be.
  if (status >= 300 && status < 400)
    return {
      kind: 'failover',
      failure: new UpstreamFailure('server_error', `HTTP ${status} redirect, not followed`, status),
    };
  if (status >= 500 && hint !== undefined)
    return failover('server_error', parseRetryAfterMs(response.headers, options.now, hint));
  if (status === 401 || status === 403 || status < 400 || status >= 500 || vendor?.endpointFault)
    return failover('server_error');

  const message = vendor?.message.trim() || `The upstream rejected the request with HTTP ${status}.`;
  return {
    kind: 'reject',
    error: new GatewayError('upstream_bad_request', message.slice(0, MAX_MESSAGE_CHARS), {
      status,
      param: vendor?.param ?? null,
    }),
  };
}

function safeParse(parse: VendorErrorParser, body: string): VendorError | null {
  try {
    return parse(body);
  } catch {
    return null;
  }
}

const CONNECTION_REASONS: Readonly<Record<string, [UpstreamFailure['kind'], string]>> = {
  ECONNREFUSED: ['connection_error', 'connection refused'],
  ECONNRESET: ['connection_error', 'connection reset'],
  EPIPE: ['connection_error', 'connection reset'],
  UND_ERR_SOCKET: ['connection_error', 'connection closed by the upstream'],
  UND_ERR_CLOSED: ['connection_error', 'connection closed'],
  ENOTFOUND: ['connection_error', 'host not found'],
  EAI_AGAIN: ['connection_error', 'host not found (DNS lookup failed)'],
  EHOSTUNREACH: ['connection_error', 'host unreachable'],
  ENETUNREACH: ['connection_error', 'network unreachable'],
  CERT_HAS_EXPIRED: ['connection_error', 'TLS certificate expired'],
  DEPTH_ZERO_SELF_SIGNED_CERT: ['connection_error', 'TLS certificate not trusted'],
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: ['connection_error', 'TLS certificate not trusted'],
  ERR_TLS_CERT_ALTNAME_INVALID: ['connection_error', 'TLS certificate does not match the host'],
  EPRIVATENETWORK: [
    'connection_error',
    'refused: the endpoint is on a private, loopback or link-local address (allowPrivateNetwork is off)',
  ],
  ETIMEDOUT: ['timeout', 'connection timed out'],
  UND_ERR_CONNECT_TIMEOUT: ['timeout', 'connect timed out'],
  UND_ERR_HEADERS_TIMEOUT: ['timeout', 'timed out waiting for response headers'],
  UND_ERR_BODY_TIMEOUT: ['timeout', 'timed out reading the response body'],
};

/**
 * Classifies an error thrown while talking to an endpoint (not an HTTP status). Only the error's code is
 * used: messages of network errors name hosts and ports, which do not belong in client-visible text.
 */
export function classifyTransportError(error: unknown): UpstreamFailure {
  if (error instanceof UpstreamFailure) return error;
  const code = errorCode(error);
  const known = code === undefined ? undefined : CONNECTION_REASONS[code];
  if (known) return new UpstreamFailure(known[0], known[1]);
  return new UpstreamFailure('connection_error', code ? `connection failed (${code})` : 'connection failed');
}

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string') return code;
    e = Array.isArray(errors) && errors.length > 0 ? (errors[0] as unknown) : cause;
  }
  return undefined;
}
