import type { RateLimitStatus } from './rate-limit.schema';
import { RateLimitStatusSchema } from './rate-limit.schema';

/**
 * The explicit list of errors a client may see. Every error that crosses a process boundary is one of
 * these codes; anything else becomes `internal_error` with an opaque message.
 * The HTTP status and OpenAI error `type` of each code are fixed here, in one table.
 */
export const ErrorCodes = {
  invalid_json: { status: 400, type: 'invalid_request_error' },
  invalid_request: { status: 400, type: 'invalid_request_error' },
  invalid_api_key: { status: 401, type: 'authentication_error' },
  application_not_allowed: { status: 403, type: 'permission_error' },
  model_not_found: { status: 404, type: 'invalid_request_error' },
  route_not_found: { status: 404, type: 'invalid_request_error' },
  /** The `x-thread-id` names no live thread of this application and key (unknown, expired or swept). */
  thread_not_found: { status: 404, type: 'invalid_request_error' },
  method_not_allowed: { status: 405, type: 'invalid_request_error' },
  /** Admin API: the caller is authenticated but not an administrator (e.g. a JWT without scope admin). */
  admin_forbidden: { status: 403, type: 'permission_error' },
  /** Admin API: no such application, endpoint, consumer or version. */
  resource_not_found: { status: 404, type: 'invalid_request_error' },
  /** Admin API: the resource exists already, or the change was made on a version that is no longer active. */
  conflict: { status: 409, type: 'invalid_request_error' },
  /** Admin API: a malformed `If-Match` precondition. */
  precondition_failed: { status: 412, type: 'invalid_request_error' },
  payload_too_large: { status: 413, type: 'invalid_request_error' },
  unsupported_media_type: { status: 415, type: 'invalid_request_error' },
  /** The upstream refused the request as the client's mistake (4xx other than 401/403/429): passed through. */
  upstream_bad_request: { status: 400, type: 'invalid_request_error' },
  /** A rate limit or quota of the gateway is used up, or every endpoint is cooling down after a 429. */
  rate_limit_exceeded: { status: 429, type: 'rate_limit_error' },
  internal_error: { status: 500, type: 'server_error' },
  upstream_error: { status: 502, type: 'server_error' },
  service_unavailable: { status: 503, type: 'server_error' },
  upstream_timeout: { status: 504, type: 'server_error' },
  service_timeout: { status: 504, type: 'server_error' },
} as const satisfies Record<string, { status: number; type: string }>;

export type ErrorCode = keyof typeof ErrorCodes;

/** The serialised form of a GatewayError on the bus. */
export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly status: number;
  readonly param: string | null;
  /** Seconds-resolution hints are derived from this at the edge (`retry-after`, `retry-after-ms`). */
  readonly retryAfterMs?: number;
  /** A 429 of the gateway's own limits: what the `x-ratelimit-*` headers report, as on a success. */
  readonly rateLimit?: RateLimitStatus;
}

export interface GatewayErrorOptions {
  param?: string | null;
  /** Override the table's status, e.g. to pass an upstream 4xx through unchanged. */
  status?: number;
  retryAfterMs?: number;
  rateLimit?: RateLimitStatus;
  cause?: unknown;
}

/** A domain error with a code from `ErrorCodes`. Transports map it once: RPC wire form, OpenAI envelope. */
export class GatewayError extends Error {
  readonly status: number;
  readonly param: string | null;
  readonly retryAfterMs?: number;
  readonly rateLimit?: RateLimitStatus;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: GatewayErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.status = options.status ?? ErrorCodes[code].status;
    this.param = options.param ?? null;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.rateLimit !== undefined) this.rateLimit = options.rateLimit;
  }

  /** The same error, reporting the limits that applied to the request (`x-ratelimit-*`). */
  withRateLimit(rateLimit: RateLimitStatus): GatewayError {
    return new GatewayError(this.code, this.message, {
      param: this.param,
      status: this.status,
      ...(this.retryAfterMs !== undefined && { retryAfterMs: this.retryAfterMs }),
      rateLimit,
      cause: this.cause,
    });
  }

  get type(): string {
    return ErrorCodes[this.code].type;
  }

  toWire(): WireError {
    const wire: WireError = {
      code: this.code,
      message: this.message,
      status: this.status,
      param: this.param,
    };
    return {
      ...wire,
      ...(this.retryAfterMs !== undefined && { retryAfterMs: this.retryAfterMs }),
      ...(this.rateLimit !== undefined && { rateLimit: this.rateLimit }),
    };
  }

  static isWire(value: unknown): value is WireError {
    if (typeof value !== 'object' || value === null) return false;
    const v = value as Record<string, unknown>;
    return typeof v.code === 'string' && v.code in ErrorCodes && typeof v.message === 'string';
  }

  static fromWire(wire: WireError): GatewayError {
    const options: GatewayErrorOptions = { param: wire.param ?? null };
    if (typeof wire.status === 'number') options.status = wire.status;
    if (typeof wire.retryAfterMs === 'number') options.retryAfterMs = wire.retryAfterMs;
    const rateLimit = RateLimitStatusSchema.safeParse(wire.rateLimit);
    if (wire.rateLimit !== undefined && rateLimit.success) options.rateLimit = rateLimit.data;
    return new GatewayError(wire.code, wire.message, options);
  }

  /** Anything that is not a GatewayError becomes an opaque internal error: no stack or message leaks. */
  static from(error: unknown): GatewayError {
    if (error instanceof GatewayError) return error;
    if (GatewayError.isWire(error)) return GatewayError.fromWire(error);
    return new GatewayError('internal_error', 'The gateway had an internal error.');
  }
}
