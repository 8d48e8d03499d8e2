import { RetryBudget, backoffMs } from './retry-budget';

const settings = {
  backoffBaseMs: 0,
  backoffMaxMs: 1_000,
  budgetRatio: 0.2,
  budgetMinRetriesPerSecond: 0,
  budgetWindowSeconds: 10,
};

describe('RetryBudget', () => {
  it.each([
    ['20% of 10 requests', { budgetRatio: 0.2 }, 10, 2],
    ['20% of 1,000 requests', { budgetRatio: 0.2 }, 1_000, 200],
    ['no ratio, no reserve', { budgetRatio: 0 }, 100, 0],
    ['a reserve of 1/s over 10 s with no traffic', { budgetMinRetriesPerSecond: 1 }, 0, 10],
    ['ratio plus reserve', { budgetMinRetriesPerSecond: 0.5 }, 50, 15],
  ])('allows %s', (_name, overrides, requests, retries) => {
    const budget = new RetryBudget({ ...settings, ...overrides }, { now: () => 0 });
    for (let i = 0; i < requests; i += 1) budget.requested();
    let allowed = 0;
    while (allowed < 10_000 && budget.tryRetry()) allowed += 1;
    expect(allowed).toBe(retries);
  });

  it('forgets requests and retries older than its window', () => {
    let now = 0;
    const budget = new RetryBudget(settings, { now: () => now });
    for (let i = 0; i < 10; i += 1) budget.requested();
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, false]);
    now += 5_000;
    for (let i = 0; i < 5; i += 1) budget.requested();
    expect(budget.tryRetry()).toBe(true);
    now += 6_000; // the first 10 requests and their 2 retries left the window
    expect([budget.tryRetry(), budget.tryRetry()]).toEqual([false, false]);
    for (let i = 0; i < 5; i += 1) budget.requested();
    expect(budget.tryRetry()).toBe(true);
    now += 60_000;
    expect(budget.tryRetry()).toBe(false);
  });
});

describe('backoffMs', () => {
  it.each([
    ['off', 0, 1_000, 3, 0.99, 0],
    ['first retry: up to base', 100, 1_000, 1, 0.5, 50],
    ['doubles per retry', 100, 1_000, 3, 0.5, 200],
    ['capped', 100, 1_000, 10, 0.999, 999],
    ['full jitter can be 0', 100, 1_000, 2, 0, 0],
  ])('%s', (_name, base, max, retry, random, expected) => {
    expect(backoffMs({ ...settings, backoffBaseMs: base, backoffMaxMs: max }, retry, () => random)).toBe(
      expected,
    );
  });
});
