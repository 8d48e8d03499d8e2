import type { RateLimitStatus } from '@aigw/contracts';

/**
 * OpenAI's rate-limit headers (https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers):
 * the limit, what is left and when it is whole again, for requests and for tokens.
 */
export function rateLimitHeaders(status: RateLimitStatus | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (status === undefined) return headers;
  for (const [suffix, window] of [
    ['requests', status.requests],
    ['tokens', status.tokens],
  ] as const) {
    if (window === null) continue;
    headers[`x-ratelimit-limit-${suffix}`] = String(window.limit);
    headers[`x-ratelimit-remaining-${suffix}`] = String(window.remaining);
    headers[`x-ratelimit-reset-${suffix}`] = formatResetDuration(window.resetMs);
  }
  return headers;
}

/** A duration as OpenAI (and Go's `time.Duration`) prints it: `20ms`, `1.5s`, `6m0s`, `1h2m3s`. */
export function formatResetDuration(ms: number): string {
  const rounded = Math.max(0, Math.round(ms));
  if (rounded < 1000) return rounded === 0 ? '0s' : `${rounded}ms`;
  const hours = Math.floor(rounded / 3_600_000);
  const minutes = Math.floor((rounded % 3_600_000) / 60_000);
  const seconds = `${Number(((rounded % 60_000) / 1000).toFixed(3))}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}
