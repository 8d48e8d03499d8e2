import { firstCounts, ids, target } from './strategy-test.fixture';
import { WeightedRoundRobinStrategy } from './weighted-round-robin.strategy';

describe('WeightedRoundRobinStrategy', () => {
  it.each([
    ['8:2', [target('a', 0, 8), target('b', 0, 2)], { a: 800, b: 200 }],
    ['equal weights by default', [target('a'), target('b'), target('c')], { a: 334, b: 333, c: 333 }],
    ['weight 0 is never picked', [target('a', 0, 3), target('b', 0, 0)], { a: 1_000 }],
    ['only the lowest tier serves', [target('a', 0, 1), target('b', 1, 9)], { a: 1_000 }],
  ])('spreads 1,000 requests %s', (_name, targets, counts) => {
    const strategy = new WeightedRoundRobinStrategy();
    expect(firstCounts(1_000, () => strategy.order(targets))).toEqual(counts);
  });

  it('interleaves smoothly, as nginx does (5:1:1 → a a b a c a a)', () => {
    const strategy = new WeightedRoundRobinStrategy();
    const targets = [target('a', 0, 5), target('b', 0, 1), target('c', 0, 1)];
    const picks = Array.from({ length: 7 }, () => ids(strategy.order(targets))[0]);
    expect(picks).toEqual(['a', 'a', 'b', 'a', 'c', 'a', 'a']);
  });

  it.each([
    [
      'the pick, then its tier, then the next tiers',
      [target('a', 0), target('b', 0), target('c', 1)],
      ['a', 'b', 'c'],
    ],
    [
      'a weight-0 endpoint as the last fallback of its tier',
      [target('z', 0, 0), target('a', 0, 1)],
      ['a', 'z'],
    ],
    ['every endpoint of weight 0 in configured order', [target('y', 0, 0), target('z', 0, 0)], ['y', 'z']],
  ])('orders %s', (_name, targets, order) => {
    expect(ids(new WeightedRoundRobinStrategy().order(targets))).toEqual(order);
  });

  it('advances a lower tier only when a request reaches it', () => {
    const strategy = new WeightedRoundRobinStrategy();
    const targets = [target('a', 0), target('b', 1, 1), target('c', 1, 1)];
    for (let i = 0; i < 3; i += 1) strategy.order(targets)[Symbol.iterator]().next();
    expect(ids(strategy.order(targets))).toEqual(['a', 'b', 'c']);
    expect(ids(strategy.order(targets))).toEqual(['a', 'c', 'b']);
  });
});
