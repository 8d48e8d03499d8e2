import { usageEvent } from '../test/usage-event.fixture';
import { addCounters, countersOf, outcomeOf, ZERO_COUNTERS } from './usage-counters';

describe('outcomeOf', () => {
  it.each([
    [200, false, null, 'ok'],
    [201, false, null, 'ok'],
    [429, true, 'rate_limit_exceeded', 'throttled'],
    [429, false, null, 'throttled'],
    [503, true, null, 'throttled'],
    [400, false, 'upstream_bad_request', 'filtered'],
    [400, false, 'content_filter', 'filtered'],
    [400, false, 'invalid_request', 'failed'],
    [400, false, null, 'failed'],
    [403, false, 'application_not_allowed', 'failed'],
    [499, false, 'client_closed_request', 'failed'],
    [502, false, 'upstream_error', 'failed'],
    [504, false, 'upstream_timeout', 'failed'],
  ] as const)('status %i (throttled: %s, code %s) is %s', (status, throttled, errorCode, outcome) => {
    expect(outcomeOf({ status, throttled, errorCode })).toBe(outcome);
  });
});

describe('countersOf', () => {
  it('counts a 2xx call with its tokens, latency and failovers', () => {
    expect(countersOf(usageEvent({ retries: 2 }))).toEqual({
      ...ZERO_COUNTERS,
      apiCalls: 1,
      totalApiCalls: 1,
      promptTokens: 10,
      completionTokens: 5,
      latencyMsSum: 120.5,
      retries: 2,
    });
  });

  it('counts a stream’s time to first token, and a cache hit', () => {
    const counters = countersOf(usageEvent({ stream: true, timeToFirstTokenMs: 40, cacheHit: true }));
    expect([counters.ttftMsSum, counters.ttftCount, counters.cacheHits]).toEqual([40, 1, 1]);
  });

  it('sums the similarity of cache hits that report one, and counts them', () => {
    const scored = countersOf(usageEvent({ cacheHit: true, cacheSimilarity: 0.93 }));
    const unscored = countersOf(usageEvent({ cacheHit: true, cacheSimilarity: null }));
    const miss = countersOf(usageEvent({ cacheHit: false, cacheSimilarity: 0.5 }));
    expect([scored.cacheScoreSum, scored.cacheScoreCount]).toEqual([0.93, 1]);
    expect([unscored.cacheHits, unscored.cacheScoreSum, unscored.cacheScoreCount]).toEqual([1, 0, 0]);
    expect([miss.cacheHits, miss.cacheScoreSum, miss.cacheScoreCount]).toEqual([0, 0, 0]);
  });

  it.each([
    ['a 429', { status: 429, throttled: true }, 'throttledApiCalls'],
    ['a 502', { status: 502 }, 'failedApiCalls'],
    ['a provider 400', { status: 400, errorCode: 'upstream_bad_request' }, 'filteredApiCalls'],
  ] as const)('counts %s once, in its class and the total', (_label, overrides, counter) => {
    const counters = countersOf(usageEvent({ ...overrides, promptTokens: 0, completionTokens: 0 }));
    expect(counters[counter]).toBe(1);
    expect(counters.totalApiCalls).toBe(1);
    expect(counters.apiCalls).toBe(0);
  });

  it('adds counters field by field', () => {
    const one = countersOf(usageEvent());
    expect(addCounters(one, one)).toEqual({
      ...ZERO_COUNTERS,
      apiCalls: 2,
      totalApiCalls: 2,
      promptTokens: 20,
      completionTokens: 10,
      latencyMsSum: 241,
    });
  });
});
