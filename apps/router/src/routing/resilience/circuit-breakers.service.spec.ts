import { InMemoryRoutingState } from '../../shared-state/in-memory-routing-state.store';
import type { BreakerVerdict } from './circuit-breakers.service';
import { CircuitBreakers } from './circuit-breakers.service';

type Step = 'fail' | 'ok' | 'release' | ['wait', number] | ['admit', BreakerVerdict];

const settings = { failureThreshold: 3, openMs: 1_000 };
const closed: BreakerVerdict = { pass: true, probe: false };
const probe: BreakerVerdict = { pass: true, probe: true };
const open = (retryAfterMs: number): BreakerVerdict => ({ pass: false, retryAfterMs });

describe('CircuitBreakers', () => {
  it.each<[string, Step[]]>([
    ['stays closed below the threshold', ['fail', 'fail', ['admit', closed]]],
    [
      'opens on the Nth consecutive failure',
      ['fail', 'fail', 'fail', ['admit', open(1_000)], ['wait', 400], ['admit', open(600)]],
    ],
    ['a success in between resets the count', ['fail', 'fail', 'ok', 'fail', 'fail', ['admit', closed]]],
    [
      'lets one probe through once open time passed',
      ['fail', 'fail', 'fail', ['wait', 1_000], ['admit', probe], ['admit', open(0)]],
    ],
    [
      'a successful probe closes it',
      [
        'fail',
        'fail',
        'fail',
        ['wait', 1_000],
        ['admit', probe],
        'ok',
        ['admit', closed],
        'fail',
        ['admit', closed],
      ],
    ],
    [
      'a failed probe opens it again at once',
      ['fail', 'fail', 'fail', ['wait', 1_000], ['admit', probe], 'fail', ['admit', open(1_000)]],
    ],
    [
      'a probe without a verdict frees the probe slot',
      ['fail', 'fail', 'fail', ['wait', 1_000], ['admit', probe], 'release', ['admit', probe]],
    ],
    [
      'closes by itself if nobody probes for long',
      ['fail', 'fail', 'fail', ['wait', 11 * 60_000], ['admit', closed]],
    ],
  ])('%s', (_name, steps) => {
    let now = 0;
    const store = new InMemoryRoutingState({ now: () => now });
    const breakers = new CircuitBreakers(store);
    for (const step of steps) {
      if (step === 'fail') breakers.failed('app/a', settings);
      else if (step === 'ok') breakers.succeeded('app/a');
      else if (step === 'release') breakers.released('app/a');
      else if (step[0] === 'wait') now += step[1];
      else expect(breakers.admit('app/a')).toEqual(step[1]);
    }
  });

  it('is shared through the store: another replica sees it open, and a probe success closes it there too', () => {
    let now = 0;
    const store = new InMemoryRoutingState({ now: () => now });
    const one = new CircuitBreakers(store);
    const other = new CircuitBreakers(store);
    for (let i = 0; i < 3; i += 1) one.failed('app/a', settings);
    expect(other.admit('app/a')).toEqual(open(1_000));
    now += 1_000;
    expect(other.admit('app/a')).toEqual(probe);
    other.succeeded('app/a');
    expect(one.admit('app/a')).toEqual(closed);
  });

  it('reports its state without taking the half-open probe', () => {
    let now = 0;
    const breakers = new CircuitBreakers(new InMemoryRoutingState({ now: () => now }));
    expect(breakers.reading('app/a')).toEqual({ state: 'closed', retryAfterMs: null });
    for (let i = 0; i < 3; i += 1) breakers.failed('app/a', settings);
    now += 400;
    expect(breakers.reading('app/a')).toEqual({ state: 'open', retryAfterMs: 600 });
    now += 600;
    expect(breakers.reading('app/a')).toEqual({ state: 'half_open', retryAfterMs: null });
    expect(breakers.reading('app/a')).toEqual({ state: 'half_open', retryAfterMs: null });
    expect(breakers.admit('app/a')).toEqual(probe);
    breakers.succeeded('app/a');
    expect(breakers.reading('app/a')).toEqual({ state: 'closed', retryAfterMs: null });
  });

  it('is off with failureThreshold 0', () => {
    const breakers = new CircuitBreakers(new InMemoryRoutingState({ now: () => 0 }));
    for (let i = 0; i < 10; i += 1) breakers.failed('app/a', { failureThreshold: 0, openMs: 1_000 });
    expect(breakers.admit('app/a')).toEqual(closed);
  });
});
