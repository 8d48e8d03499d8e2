import { windowResetMs, windowStart } from './fixed-window';

describe('fixed windows', () => {
  it.each([
    ['the first moment of a window', 60_000, 60_000, 60_000, 60_000],
    ['the middle', 90_500, 60_000, 60_000, 29_500],
    ['the last millisecond', 119_999, 60_000, 60_000, 1],
    ['a 3 s window', 10_001, 3_000, 9_000, 1_999],
    [
      'a day',
      Date.parse('2026-12-01T18:00:00Z'),
      86_400_000,
      Date.parse('2026-12-01T00:00:00Z'),
      6 * 3_600_000,
    ],
  ])('%s', (_name, now, windowMs, start, reset) => {
    expect(windowStart(now, windowMs)).toBe(start);
    expect(windowResetMs(now, windowMs)).toBe(reset);
  });
});
