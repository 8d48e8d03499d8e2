import type { GatewayError } from '@aigw/contracts';
import { fixtureText } from '../test/fixtures';
import { classifyUpstreamResponse } from '../upstream/upstream-outcome.mapper';
import { parseDurationMs, parseGeminiError } from './gemini-error.mapper';

const fixture = (name: string) => fixtureText(__dirname, name);

describe('parseGeminiError', () => {
  it.each([
    ['error-resource-exhausted.json', { retryAfterMs: 13_000, param: null }],
    [
      'error-invalid-argument.json',
      { message: expect.stringContaining('max_output_tokens must be positive') as string },
    ],
    [
      'error-api-key-invalid.json',
      { message: 'API key not valid. Please pass a valid API key.', endpointFault: true },
    ],
    ['error-failed-precondition.json', { endpointFault: true }],
    ['error-unavailable.json', { message: 'The model is overloaded. Please try again later.' }],
    [
      'error-not-found.json',
      { message: expect.stringContaining('is not found for API version v1beta') as string },
    ],
  ])('%s → %j', (name, expected) => {
    expect(parseGeminiError(fixture(name))).toMatchObject(expected);
  });

  it('reports no hint and no fault where the body has none', () => {
    const error = parseGeminiError(fixture('error-invalid-argument.json'));
    expect(error?.retryAfterMs).toBeUndefined();
    expect(error?.endpointFault).toBeUndefined();
  });

  it.each(['<html>502</html>', '{"error":{"code":500}}', '[]', 'null', ''])('%j → null', (body) => {
    expect(parseGeminiError(body)).toBeNull();
  });
});

describe('parseDurationMs', () => {
  it.each([
    ['13s', 13_000],
    ['0.5s', 500],
    ['1.000000001s', 1_001],
    [' 2s ', 2_000],
    ['13', null],
    ['-1s', null],
    ['1m', null],
  ])('%j → %s', (duration, ms) => {
    expect(parseDurationMs(duration)).toBe(ms);
  });
});

describe('Gemini errors, classified', () => {
  const classify = (status: number, name: string) =>
    classifyUpstreamResponse(
      { status, headers: {}, errorBody: fixture(name) },
      { now: 0, parseError: parseGeminiError },
    );

  it.each<[number, string, string, number | null]>([
    [429, 'error-resource-exhausted.json', 'rate_limited', 13_000],
    [400, 'error-api-key-invalid.json', 'server_error', null],
    [400, 'error-failed-precondition.json', 'server_error', null],
    [503, 'error-unavailable.json', 'server_error', null],
  ])('%i %s fails over as %s, retry after %s ms', (status, name, kind, retryAfterMs) => {
    expect(classify(status, name)).toMatchObject({
      kind: 'failover',
      failure: { kind, status, retryAfterMs },
    });
  });

  it.each([
    [400, 'error-invalid-argument.json'],
    [404, 'error-not-found.json'],
  ])('passes a %i %s through to the client', (status, name) => {
    const outcome = classify(status, name);
    expect(outcome.kind).toBe('reject');
    expect((outcome as { error: GatewayError }).error).toMatchObject({
      code: 'upstream_bad_request',
      status,
    });
  });
});
