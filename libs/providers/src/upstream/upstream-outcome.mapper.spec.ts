import { GatewayError } from '@aigw/contracts';
import { parseOpenAiError } from '../openai-compatible/openai-error.mapper';
import { DEFAULT_RETRY_AFTER_MS } from './retry-after.mapper';
import { UpstreamFailure } from './upstream-failure.error';
import type { UpstreamHeaders } from './upstream-headers';
import type { VendorError } from './upstream-outcome.mapper';
import { classifyTransportError, classifyUpstreamResponse } from './upstream-outcome.mapper';

const errorBody = (message: string, param: string | null = null) =>
  JSON.stringify({ error: { message, type: 'invalid_request_error', param, code: null } });

function classify(status: number, headers: UpstreamHeaders = {}, body = '') {
  return classifyUpstreamResponse(
    { status, headers, errorBody: body },
    { now: 0, parseError: parseOpenAiError },
  );
}

describe('classifyUpstreamResponse', () => {
  it.each([200, 201, 204])('%i is ok', (status) => {
    expect(classify(status)).toEqual({ kind: 'ok' });
  });

  it.each([
    [429, { 'retry-after': '3' }, 'rate_limited', 3_000],
    [429, { 'retry-after-ms': '250' }, 'rate_limited', 250],
    [429, {}, 'rate_limited', DEFAULT_RETRY_AFTER_MS],
    [500, {}, 'server_error', null],
    [502, {}, 'server_error', null],
    [503, { 'retry-after': '3' }, 'server_error', null],
    [401, {}, 'server_error', null],
    [403, {}, 'server_error', null],
    [408, {}, 'timeout', null],
  ] as const)('%i %j fails over as %s', (status, headers, kind, retryAfterMs) => {
    const outcome = classify(status, headers, errorBody('upstream says no'));
    expect(outcome.kind).toBe('failover');
    const { failure } = outcome as { failure: UpstreamFailure };
    expect(failure).toBeInstanceOf(UpstreamFailure);
    expect(failure).toMatchObject({ kind, status, retryAfterMs, reason: `HTTP ${status}` });
  });

  it.each([301, 302, 307, 308])('%i is not followed: the endpoint failed', (status) => {
    const outcome = classify(status, { location: 'http://169.254.169.254/latest/meta-data/' });
    expect(outcome).toMatchObject({
      kind: 'failover',
      failure: { kind: 'server_error', status, reason: `HTTP ${status} redirect, not followed` },
    });
  });

  it.each([
    [400, errorBody("'messages' is required", 'messages'), "'messages' is required", 'messages'],
    [404, errorBody('The model `x` does not exist'), 'The model `x` does not exist', null],
    [
      422,
      JSON.stringify({ object: 'error', message: 'bad temperature', param: 'temperature' }),
      'bad temperature',
      'temperature',
    ],
    [413, 'not json at all', 'The upstream rejected the request with HTTP 413.', null],
    [400, '', 'The upstream rejected the request with HTTP 400.', null],
  ])('%i is the client mistake, passed through', (status, body, message, param) => {
    const outcome = classify(status, {}, body);
    expect(outcome.kind).toBe('reject');
    const { error } = outcome as { error: GatewayError };
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'upstream_bad_request', status, message, param });
  });

  it.each<[string, number, UpstreamHeaders, VendorError, string, number | null]>([
    ['a 429 body hint', 429, {}, { message: 'm', param: null, retryAfterMs: 13_000 }, 'rate_limited', 13_000],
    [
      'a 429 header over the body hint',
      429,
      { 'retry-after': '2' },
      { message: 'm', param: null, retryAfterMs: 13_000 },
      'rate_limited',
      2_000,
    ],
    ['a 5xx cool-down', 529, {}, { message: 'm', param: null, retryAfterMs: 5_000 }, 'server_error', 5_000],
    [
      'a 4xx that blames the endpoint',
      400,
      {},
      { message: 'm', param: null, endpointFault: true },
      'server_error',
      null,
    ],
  ])('vendor bodies: %s', (_name, status, headers, vendor, kind, retryAfterMs) => {
    const outcome = classifyUpstreamResponse(
      { status, headers, errorBody: '{}' },
      { now: 0, parseError: () => vendor },
    );
    expect(outcome).toMatchObject({ kind: 'failover', failure: { kind, status, retryAfterMs } });
  });

  it('survives a parser that throws', () => {
    const outcome = classifyUpstreamResponse(
      { status: 400, headers: {}, errorBody: '{}' },
      {
        now: 0,
        parseError: () => {
          throw new Error('boom');
        },
      },
    );
    expect(outcome).toMatchObject({
      kind: 'reject',
      error: { message: 'The upstream rejected the request with HTTP 400.' },
    });
  });
});

describe('classifyTransportError', () => {
  const withCode = (code: string) => Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code });

  it.each([
    [withCode('ECONNREFUSED'), 'connection_error', 'connection refused'],
    [withCode('ECONNRESET'), 'connection_error', 'connection reset'],
    [withCode('UND_ERR_SOCKET'), 'connection_error', 'connection closed by the upstream'],
    [withCode('ENOTFOUND'), 'connection_error', 'host not found'],
    [withCode('UND_ERR_CONNECT_TIMEOUT'), 'timeout', 'connect timed out'],
    [withCode('UND_ERR_HEADERS_TIMEOUT'), 'timeout', 'timed out waiting for response headers'],
    [withCode('EWEIRD'), 'connection_error', 'connection failed (EWEIRD)'],
    [new AggregateError([withCode('ECONNREFUSED')]), 'connection_error', 'connection refused'],
    [new Error('fetch failed', { cause: withCode('ECONNRESET') }), 'connection_error', 'connection reset'],
    [new Error('no code'), 'connection_error', 'connection failed'],
    ['a string', 'connection_error', 'connection failed'],
  ])('%s → %s (%s)', (error, kind, reason) => {
    const failure = classifyTransportError(error);
    expect(failure).toMatchObject({ kind, reason });
    expect(failure.reason).not.toContain('10.0.0.1');
  });

  it('keeps an UpstreamFailure', () => {
    const failure = new UpstreamFailure('timeout', 'timed out after 5 ms');
    expect(classifyTransportError(failure)).toBe(failure);
  });
});
