import { GatewayError } from '@aigw/contracts';
import { fixtureText } from '../test/fixtures';
import { DEFAULT_RETRY_AFTER_MS } from '../upstream/retry-after.mapper';
import type { UpstreamHeaders } from '../upstream/upstream-headers';
import { classifyUpstreamResponse } from '../upstream/upstream-outcome.mapper';
import { ANTHROPIC_OVERLOADED_COOLDOWN_MS, parseAnthropicError } from './anthropic-error.mapper';

const fixture = (name: string) => fixtureText(__dirname, name);

describe('parseAnthropicError', () => {
  it.each([
    ['error-rate-limit.json', { param: null }],
    ['error-overloaded.json', { message: 'Overloaded', retryAfterMs: ANTHROPIC_OVERLOADED_COOLDOWN_MS }],
    [
      'error-invalid-request.json',
      { message: 'messages.1.content.1.tool_use.input: Input should be a valid dictionary', param: null },
    ],
    ['error-credit-balance.json', { endpointFault: true }],
    ['error-authentication.json', { message: 'invalid x-api-key' }],
  ])('%s → %j', (name, expected) => {
    expect(parseAnthropicError(fixture(name))).toMatchObject(expected);
  });

  it.each(['<html>502 Bad Gateway</html>', '{"type":"error"}', 'null', ''])('%j → null', (body) => {
    expect(parseAnthropicError(body)).toBeNull();
  });
});

describe('Anthropic errors, classified', () => {
  const classify = (status: number, name: string, headers: UpstreamHeaders = {}) =>
    classifyUpstreamResponse(
      { status, headers, errorBody: fixture(name) },
      { now: 0, parseError: parseAnthropicError },
    );

  it.each<[number, string, UpstreamHeaders, string, number | null]>([
    [429, 'error-rate-limit.json', { 'retry-after': '7' }, 'rate_limited', 7_000],
    [429, 'error-rate-limit.json', {}, 'rate_limited', DEFAULT_RETRY_AFTER_MS],
    [529, 'error-overloaded.json', {}, 'server_error', ANTHROPIC_OVERLOADED_COOLDOWN_MS],
    [529, 'error-overloaded.json', { 'retry-after': '2' }, 'server_error', 2_000],
    [400, 'error-credit-balance.json', {}, 'server_error', null],
    [401, 'error-authentication.json', {}, 'server_error', null],
  ])('%i %s %j fails over as %s, retry after %s ms', (status, name, headers, kind, retryAfterMs) => {
    expect(classify(status, name, headers)).toMatchObject({
      kind: 'failover',
      failure: { kind, status, retryAfterMs },
    });
  });

  it('passes a 400 invalid_request_error through to the client', () => {
    const outcome = classify(400, 'error-invalid-request.json');
    expect(outcome.kind).toBe('reject');
    const { error } = outcome as { error: GatewayError };
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({
      code: 'upstream_bad_request',
      status: 400,
      message: 'messages.1.content.1.tool_use.input: Input should be a valid dictionary',
    });
  });
});
