import { usageEvent } from '../test/usage-event.fixture';
import { addCounters, countersOf, outcomeOf, ZERO_COUNTERS } from './usage-counters';

describe('outcomeOf', () => {
  it.each([
    [200, false, 'ok'],
    [201, false, 'ok'],
    [429, true, 'throttled'],
    [429, false, 'throttled'],
    [503, true, 'throttled'],
    [400, false, 'failed'],
    [403, false, 'failed'],
    [499, false, 'failed'],
    [502, false, 'failed'],
    [504, false, 'failed'],
  ] as const)('status %i (throttled: %s) is %s', (status, throttled, outcome) => {
    expect(outcomeOf({ status, throttled })).toBe(outcome);
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

  it.each([
    ['a 429', { status: 429, throttled: true }, 'throttledApiCalls'],
    ['a 502', { status: 502 }, 'failedApiCalls'],
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
