import { formatResetDuration, rateLimitHeaders } from './rate-limit-headers';

describe('rate-limit headers', () => {
  it.each([
    [0, '0s'],
    [20, '20ms'],
    [999.6, '1s'],
    [1_000, '1s'],
    [1_500, '1.5s'],
    [59_999, '59.999s'],
    [360_000, '6m0s'],
    [61_250, '1m1.25s'],
    [3_723_400, '1h2m3.4s'],
    [86_400_000, '24h0m0s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatResetDuration(ms)).toBe(text);
  });

  it('writes OpenAI’s six headers, or only those of the limits that apply', () => {
    expect(
      rateLimitHeaders({
        requests: { limit: 60, remaining: 59, resetMs: 1_000 },
        tokens: { limit: 150_000, remaining: 149_984, resetMs: 6 },
      }),
    ).toEqual({
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '59',
      'x-ratelimit-reset-requests': '1s',
      'x-ratelimit-limit-tokens': '150000',
      'x-ratelimit-remaining-tokens': '149984',
      'x-ratelimit-reset-tokens': '6ms',
    });
    expect(
      rateLimitHeaders({ requests: null, tokens: { limit: 10, remaining: 0, resetMs: 360_000 } }),
    ).toEqual({
      'x-ratelimit-limit-tokens': '10',
      'x-ratelimit-remaining-tokens': '0',
      'x-ratelimit-reset-tokens': '6m0s',
    });
    expect(rateLimitHeaders(undefined)).toEqual({});
  });
});
