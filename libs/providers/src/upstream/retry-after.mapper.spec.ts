import { DEFAULT_RETRY_AFTER_MS, parseRetryAfterMs } from './retry-after.mapper';

const NOW = Date.parse('2025-01-01T00:00:00Z');

describe('parseRetryAfterMs', () => {
  it.each([
    ['retry-after-ms wins', { 'retry-after-ms': '1500', 'retry-after': '9' }, 1_500],
    ['fractional retry-after-ms rounds up', { 'retry-after-ms': '20.2' }, 21],
    ['retry-after in seconds', { 'retry-after': '2' }, 2_000],
    ['fractional seconds', { 'retry-after': '0.5' }, 500],
    ['retry-after as HTTP-date', { 'retry-after': 'Wed, 01 Jan 2025 00:00:07 GMT' }, 7_000],
    ['HTTP-date in the past', { 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }, 0],
    ['repeated header: first value', { 'retry-after': ['3', '9'] }, 3_000],
    [
      'unparsable retry-after-ms falls back to retry-after',
      { 'retry-after-ms': 'soon', 'retry-after': '1' },
      1_000,
    ],
    ['garbage', { 'retry-after': 'later' }, DEFAULT_RETRY_AFTER_MS],
    ['negative seconds', { 'retry-after': '-5' }, DEFAULT_RETRY_AFTER_MS],
    ['empty', { 'retry-after': '' }, DEFAULT_RETRY_AFTER_MS],
    ['absent', {}, DEFAULT_RETRY_AFTER_MS],
  ])('%s', (_name, headers, expected) => {
    expect(parseRetryAfterMs(headers, NOW)).toBe(expected);
  });

  it('uses the given fallback', () => {
    expect(parseRetryAfterMs({}, NOW, 42)).toBe(42);
  });
});
