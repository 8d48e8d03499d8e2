import type { UpstreamHeaders } from './upstream-headers';
import { headerValue } from './upstream-headers';

/** Cool-down applied after a 429 that carries no usable retry hint. */
export const DEFAULT_RETRY_AFTER_MS = 10_000;

/**
 * The wait a 429 asks for, in ms: `retry-after-ms` (OpenAI, Azure; fractional ms), else `retry-after`
 * as delta-seconds or an HTTP-date (RFC 9110 §10.2.3), else `fallbackMs`. Never negative.
 */
export function parseRetryAfterMs(
  headers: UpstreamHeaders,
  now: number,
  fallbackMs: number = DEFAULT_RETRY_AFTER_MS,
): number {
  const ms = headerValue(headers, 'retry-after-ms');
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.ceil(Number(ms));

  const value = headerValue(headers, 'retry-after')?.trim();
  if (value === undefined || value === '') return fallbackMs;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  // An HTTP-date names a weekday and month; this also keeps Date.parse from reading "-5" as a year.
  const date = /[A-Za-z]/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(date)) return fallbackMs;
  return Math.max(0, date - now);
}
