import { ConsistentHashStrategy, hash32 } from './consistent-hash.strategy';
import { context, ids, target } from './strategy-test.fixture';

const users = Array.from({ length: 3_000 }, (_, i) => `user-${i}`);
const strategy = new ConsistentHashStrategy();
const firstOf = (targets: ReturnType<typeof target>[], key: string) =>
  ids(strategy.order(targets, context({ hashKey: key })))[0];
const assignment = (targets: ReturnType<typeof target>[]) =>
  new Map(users.map((u) => [u, firstOf(targets, u)]));
const shares = (map: Map<string, string | undefined>) => {
  const counts: Record<string, number> = {};
  for (const id of map.values()) if (id !== undefined) counts[id] = (counts[id] ?? 0) + 1;
  return counts;
};

describe('ConsistentHashStrategy', () => {
  const abc = [target('a'), target('b'), target('c')];

  it('sends the same key to the same endpoint, and its failover order is stable too', () => {
    const order = ids(strategy.order(abc, context({ hashKey: 'alice' })));
    for (let i = 0; i < 20; i += 1)
      expect(ids(strategy.order(abc, context({ hashKey: 'alice' })))).toEqual(order);
    expect([...order].sort()).toEqual(['a', 'b', 'c']);
  });

  it.each([
    ['equal weights', abc, { a: 1 / 3, b: 1 / 3, c: 1 / 3 }],
    ['weights 3:1', [target('a', 0, 3), target('b', 0, 1)], { a: 0.75, b: 0.25 }],
  ])('spreads keys by %s (±4%%)', (_name, targets, expected) => {
    const counts = shares(assignment(targets));
    for (const [id, share] of Object.entries(expected))
      expect(Math.abs(counts[id] / users.length - share)).toBeLessThan(0.04);
  });

  it('moves only the removed endpoint’s keys when one is removed', () => {
    const before = assignment(abc);
    const after = assignment([target('a'), target('c')]);
    for (const user of users) if (before.get(user) !== 'b') expect(after.get(user)).toBe(before.get(user));
  });

  it('moves keys only to the new endpoint when one is added, about its share', () => {
    const before = assignment(abc);
    const after = assignment([...abc, target('d')]);
    const moved = users.filter((u) => before.get(u) !== after.get(u));
    for (const user of moved) expect(after.get(user)).toBe('d');
    expect(Math.abs(moved.length / users.length - 0.25)).toBeLessThan(0.04);
  });

  it('keeps priority tiers: the key picks inside the lowest tier first', () => {
    const tiered = [target('backup', 1), target('a'), target('b')];
    for (const user of users.slice(0, 50))
      expect(ids(strategy.order(tiered, context({ hashKey: user })))[2]).toBe('backup');
  });

  it('balances by weight when the request has no key', () => {
    const s = new ConsistentHashStrategy();
    expect([0, 1, 2, 3].map(() => ids(s.order(abc, context()))[0])).toEqual(['a', 'b', 'c', 'a']);
  });

  // Replicas must agree on every key's endpoint: the hash is pinned, not just deterministic.
  it.each([
    ['', 2872998923],
    ['a', 444641715],
    ['b\u0000user-1', 3226889907],
  ])('hash32(%j) is pinned', (text, value) => {
    expect(hash32(text)).toBe(value);
  });
});
