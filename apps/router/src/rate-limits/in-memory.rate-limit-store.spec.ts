import { ManualClock } from '../test/router-harness';
import { windowResetMs } from './fixed-window';
import { InMemoryRateLimitStore } from './in-memory.rate-limit-store';
import { describeRateLimitStoreBehaviour } from './test/rate-limit-store.behaviour';

describeRateLimitStoreBehaviour('InMemoryRateLimitStore', () => {
  const clock = new ManualClock();
  return Promise.resolve({
    store: new InMemoryRateLimitStore(clock),
    nextWindow: (windowMs: number) => Promise.resolve(clock.advance(windowResetMs(clock.now(), windowMs))),
  });
});
