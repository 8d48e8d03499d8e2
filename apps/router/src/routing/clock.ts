/** Wall-clock time in ms, injectable so cool-downs can be tested without waiting. */
export interface Clock {
  now(): number;
}

export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = { now: () => Date.now() };
