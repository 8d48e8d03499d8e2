import type { EndpointMiss } from './failover-error.mapper';
import { failoverError } from './failover-error.mapper';

const http = (endpointId: string, status: number): EndpointMiss => ({
  endpointId,
  kind: 'server_error',
  reason: `HTTP ${status}`,
  retryAfterMs: null,
});
const refused = (endpointId: string): EndpointMiss => ({
  endpointId,
  kind: 'connection_error',
  reason: 'connection refused',
  retryAfterMs: null,
});
const timeout = (endpointId: string): EndpointMiss => ({
  endpointId,
  kind: 'timeout',
  reason: 'timed out after 100 ms',
  retryAfterMs: null,
});
const limited = (endpointId: string, retryAfterMs: number): EndpointMiss => ({
  endpointId,
  kind: 'rate_limited',
  reason: 'HTTP 429',
  retryAfterMs,
});
const cooling = (endpointId: string, retryAfterMs: number): EndpointMiss => ({
  endpointId,
  kind: 'cooling_down',
  retryAfterMs,
});

/** Anthropic 529 overloaded: a 5xx that says when to come back. */
const overloaded = (endpointId: string, retryAfterMs: number): EndpointMiss => ({
  endpointId,
  kind: 'server_error',
  reason: 'HTTP 529',
  retryAfterMs,
});
const open = (endpointId: string, retryAfterMs: number): EndpointMiss => ({
  endpointId,
  kind: 'circuit_open',
  retryAfterMs,
});

const quota = (endpointId: string, retryAfterMs: number): EndpointMiss => ({
  endpointId,
  kind: 'rate_limiting',
  retryAfterMs,
});

describe('failoverError', () => {
  it.each<[string, EndpointMiss[], string, number, string, number | undefined]>([
    [
      'every endpoint failed',
      [http('primary', 500), refused('backup')],
      'upstream_error',
      502,
      'all endpoints failed: primary: HTTP 500; backup: connection refused',
      undefined,
    ],
    [
      'every endpoint timed out',
      [timeout('a'), timeout('b')],
      'upstream_timeout',
      504,
      'all endpoints failed: a: timed out after 100 ms; b: timed out after 100 ms',
      undefined,
    ],
    [
      'timeouts besides rate limits',
      [cooling('a', 500), timeout('b')],
      'upstream_timeout',
      504,
      'all endpoints failed: a: cooling down after HTTP 429 (retry in 500 ms); b: timed out after 100 ms',
      undefined,
    ],
    [
      'a timeout and an error',
      [timeout('a'), http('b', 503)],
      'upstream_error',
      502,
      'all endpoints failed: a: timed out after 100 ms; b: HTTP 503',
      undefined,
    ],
    [
      'every endpoint rate limited now or before: the soonest retry',
      [limited('a', 3_000), cooling('b', 1_200.4), limited('c', 9_000)],
      'rate_limit_exceeded',
      429,
      'all endpoints are rate limited: a: HTTP 429 (retry in 3000 ms); b: cooling down after HTTP 429 (retry in 1201 ms); c: HTTP 429 (retry in 9000 ms)',
      1_201,
    ],
    [
      'one rate limited endpoint',
      [limited('only', 1_000)],
      'rate_limit_exceeded',
      429,
      'all endpoints are rate limited: only: HTTP 429 (retry in 1000 ms)',
      1_000,
    ],
    [
      'a rate limit and a failure',
      [limited('a', 1_000), http('b', 500)],
      'upstream_error',
      502,
      'all endpoints failed: a: HTTP 429 (retry in 1000 ms); b: HTTP 500',
      undefined,
    ],
    [
      'quotas used up or cooling down: the soonest retry',
      [quota('a', 4_000), cooling('b', 2_000)],
      'rate_limit_exceeded',
      429,
      'all endpoints are rate limited: a: its quota is used up (retry in 4000 ms); b: cooling down after HTTP 429 (retry in 2000 ms)',
      2_000,
    ],
    [
      'a quota used up and a failure',
      [quota('a', 4_000), http('b', 500)],
      'upstream_error',
      502,
      'all endpoints failed: a: its quota is used up (retry in 4000 ms); b: HTTP 500',
      undefined,
    ],
    [
      'every endpoint overloaded (529): 503 with the soonest retry',
      [overloaded('a', 5_000), overloaded('b', 2_000)],
      'service_unavailable',
      503,
      'no endpoint is available: a: HTTP 529 (retry in 5000 ms); b: HTTP 529 (retry in 2000 ms)',
      2_000,
    ],
    [
      'overloaded, breakers open and rate limits: 503 with the soonest retry',
      [overloaded('a', 5_000), open('b', 8_000), limited('c', 1_500)],
      'service_unavailable',
      503,
      'no endpoint is available: a: HTTP 529 (retry in 5000 ms); b: circuit open (retry in 8000 ms); c: HTTP 429 (retry in 1500 ms)',
      1_500,
    ],
    [
      'an overloaded endpoint and a failed one: 502',
      [overloaded('a', 5_000), http('b', 500)],
      'upstream_error',
      502,
      'all endpoints failed: a: HTTP 529 (retry in 5000 ms); b: HTTP 500',
      undefined,
    ],
    [
      'endpoints not tried do not decide the status, but are listed',
      [limited('a', 2_000), { endpointId: 'b', kind: 'not_tried', reason: 'retry budget exhausted' }],
      'rate_limit_exceeded',
      429,
      'all endpoints are rate limited: a: HTTP 429 (retry in 2000 ms); b: not tried (retry budget exhausted)',
      2_000,
    ],
    ['no endpoint at all', [], 'upstream_error', 502, 'The application has no endpoint to try.', undefined],
  ])('%s', (_name, misses, code, status, message, retryAfterMs) => {
    const error = failoverError(misses);
    expect(error).toMatchObject({ code, status, message });
    expect(error.retryAfterMs).toBe(retryAfterMs);
  });
});
