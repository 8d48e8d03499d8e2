import { LeastInFlightStrategy } from './least-in-flight.strategy';
import { LeastLatencyStrategy } from './least-latency.strategy';
import { ids, target } from './strategy-test.fixture';

type Event = ['answer', string, number] | ['start', string] | ['done', string] | ['wait', number];

describe.each([
  [
    'LeastLatencyStrategy (peak-EWMA)',
    (clock: { now(): number }) => new LeastLatencyStrategy(clock),
    [
      ['unmeasured endpoints first, in configured order', [['answer', 'a', 100]], ['b', 'c', 'a']],
      [
        'the faster endpoint first',
        [
          ['answer', 'a', 300],
          ['answer', 'b', 100],
          ['answer', 'c', 200],
        ],
        ['b', 'c', 'a'],
      ],
      [
        'a slow sample counts at once (peak)',
        [
          ['answer', 'a', 50],
          ['answer', 'b', 100],
          ['answer', 'c', 100],
          ['answer', 'a', 900],
        ],
        ['b', 'c', 'a'],
      ],
      [
        'a fast sample counts gradually',
        [
          ['answer', 'a', 500],
          ['answer', 'b', 200],
          ['answer', 'c', 200],
          ['answer', 'a', 10],
        ],
        ['b', 'c', 'a'],
      ],
      [
        'old peaks decay',
        [
          ['answer', 'a', 500],
          ['answer', 'b', 200],
          ['answer', 'c', 200],
          ['wait', 60_000],
          ['answer', 'a', 10],
        ],
        ['a', 'b', 'c'],
      ],
      [
        'requests in flight multiply the cost',
        [
          ['answer', 'a', 100],
          ['answer', 'b', 150],
          ['answer', 'c', 400],
          ['start', 'a'],
          ['start', 'a'],
        ],
        ['b', 'a', 'c'],
      ],
      [
        'finished requests leave the count',
        [
          ['answer', 'a', 100],
          ['answer', 'b', 150],
          ['answer', 'c', 400],
          ['start', 'a'],
          ['done', 'a'],
        ],
        ['a', 'b', 'c'],
      ],
    ] as [string, Event[], string[]][],
  ],
  [
    'LeastInFlightStrategy',
    (clock: { now(): number }) => new LeastInFlightStrategy(clock),
    [
      ['configured order when idle', [], ['a', 'b', 'c']],
      [
        'the fewest in flight first',
        [
          ['start', 'a'],
          ['start', 'a'],
          ['start', 'b'],
        ],
        ['c', 'b', 'a'],
      ],
      [
        'latency does not count',
        [
          ['answer', 'a', 900],
          ['start', 'b'],
        ],
        ['a', 'c', 'b'],
      ],
      [
        'done releases',
        [
          ['start', 'a'],
          ['done', 'a'],
          ['done', 'a'],
        ],
        ['a', 'b', 'c'],
      ],
    ] as [string, Event[], string[]][],
  ],
])('%s', (_name, create, cases) => {
  it.each(cases)('%s', (_case, events, order) => {
    let now = 0;
    const strategy = create({ now: () => now });
    for (const event of events) {
      if (event[0] === 'answer') strategy.answered(event[1], event[2]);
      else if (event[0] === 'start') strategy.started(event[1]);
      else if (event[0] === 'done') strategy.done(event[1]);
      else now += event[1];
    }
    expect(ids(strategy.order([target('a'), target('b'), target('c')]))).toEqual(order);
  });

  it('keeps priority tiers', () => {
    const strategy = create({ now: () => 0 });
    strategy.started('a');
    expect(ids(strategy.order([target('b', 1), target('a', 0)]))).toEqual(['a', 'b']);
  });
});
