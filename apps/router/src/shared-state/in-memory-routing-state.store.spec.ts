import { InMemoryRoutingState } from './in-memory-routing-state.store';

type Op = ['put', number, { ttlMs?: number; keepLonger?: boolean }?] | ['wait', number] | ['delete'];

describe('InMemoryRoutingState', () => {
  it.each<[string, Op[], number | null]>([
    ['no entry', [], null],
    ['held', [['put', 500]], 500],
    [
      'hold passing',
      [
        ['put', 500],
        ['wait', 200],
      ],
      300,
    ],
    [
      'expired with its hold',
      [
        ['put', 500],
        ['wait', 500],
      ],
      null,
    ],
    [
      'alive after its hold with a longer ttl',
      [
        ['put', 500, { ttlMs: 2_000 }],
        ['wait', 1_000],
      ],
      0,
    ],
    [
      'gone after its ttl',
      [
        ['put', 500, { ttlMs: 2_000 }],
        ['wait', 2_000],
      ],
      null,
    ],
    [
      'a later put replaces',
      [
        ['put', 5_000],
        ['put', 100],
      ],
      100,
    ],
    [
      'keepLonger keeps the longer',
      [
        ['put', 5_000],
        ['put', 100, { keepLonger: true }],
      ],
      5_000,
    ],
    [
      'keepLonger takes a longer one',
      [
        ['put', 100],
        ['put', 5_000, { keepLonger: true }],
      ],
      5_000,
    ],
    ['deleted', [['put', 5_000], ['delete']], null],
    ['a zero hold stores nothing', [['put', 0]], null],
  ])('%s', (_name, ops, expected) => {
    let now = 1_000;
    const store = new InMemoryRoutingState({ now: () => now });
    for (const op of ops) {
      if (op[0] === 'put') store.put('k', op[1], op[2]);
      else if (op[0] === 'wait') now += op[1];
      else store.delete('k');
    }
    expect(store.holdLeftMs('k')).toBe(expected);
  });
});
