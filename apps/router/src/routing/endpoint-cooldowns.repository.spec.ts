import { InMemoryRoutingState } from '../shared-state/in-memory-routing-state.store';
import { EndpointCooldowns } from './endpoint-cooldowns.repository';

describe('EndpointCooldowns', () => {
  let now: number;
  let cooldowns: EndpointCooldowns;
  const key = EndpointCooldowns.key('chat', 'primary');

  beforeEach(() => {
    now = 1_000;
    cooldowns = new EndpointCooldowns(new InMemoryRoutingState({ now: () => now }));
  });

  it.each([
    ['never cooled down', [], 0, 0],
    ['right after a 429', [5_000], 0, 5_000],
    ['part way through', [5_000], 2_000, 3_000],
    ['at the end', [5_000], 5_000, 0],
    ['after the end', [5_000], 9_000, 0],
    ['a shorter cool-down keeps the longer one', [5_000, 1_000], 0, 5_000],
    ['a longer cool-down extends it', [1_000, 5_000], 0, 5_000],
    ['a zero cool-down is no cool-down', [0], 0, 0],
  ])('%s', (_name, cools, elapsed, remaining) => {
    for (const ms of cools) cooldowns.coolDown(key, ms);
    now += elapsed;
    expect(cooldowns.remainingMs(key)).toBe(remaining);
  });

  it('keeps endpoints of different applications apart', () => {
    cooldowns.coolDown(key, 5_000);
    expect(cooldowns.remainingMs(EndpointCooldowns.key('other', 'primary'))).toBe(0);
  });

  it('suspends one model of an endpoint, not the endpoint nor its other models', () => {
    cooldowns.suspend(key, 'gpt-4o', 60_000);
    expect(cooldowns.suspendedMs(key, 'gpt-4o')).toBe(60_000);
    expect(cooldowns.suspendedMs(key, 'gpt-4o-mini')).toBe(0);
    expect(cooldowns.remainingMs(key)).toBe(0);
    now += 60_000;
    expect(cooldowns.suspendedMs(key, 'gpt-4o')).toBe(0);
  });
});
