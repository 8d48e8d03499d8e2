/**
 * Fixed windows aligned to the epoch: a window of `windowMs` starts at every multiple of it, so every
 * replica (and Redis, whose clock the distributed store uses) agrees on the window a moment falls in,
 * and the reset time is exact.
 */
export function windowStart(nowMs: number, windowMs: number): number {
  return nowMs - (nowMs % windowMs);
}

/** Milliseconds until the window holding `nowMs` ends (never 0: the last millisecond still waits 1). */
export function windowResetMs(nowMs: number, windowMs: number): number {
  return windowStart(nowMs, windowMs) + windowMs - nowMs;
}
