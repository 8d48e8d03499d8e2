import type { UsageEvent } from '@aigw/contracts';

/**
 * What one request adds to the aggregates of its (application, endpoint): the same shape in the minute
 * buckets, the all-time totals and the interval history, so every level sums exactly.
 */
export interface Counters {
  readonly apiCalls: number;
  readonly failedApiCalls: number;
  readonly throttledApiCalls: number;
  readonly filteredApiCalls: number;
  readonly totalApiCalls: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Sum of end-to-end latencies (ms); divided by `totalApiCalls` for the mean. */
  readonly latencyMsSum: number;
  /** Sum of times to first token (ms) of the streams that produced one, and how many did. */
  readonly ttftMsSum: number;
  readonly ttftCount: number;
  readonly cacheHits: number;
  /** Sum of the similarity scores of the cache hits that report one, and how many do. */
  readonly cacheScoreSum: number;
  readonly cacheScoreCount: number;
  /** Failed upstream attempts before the answer (failovers). */
  readonly retries: number;
}

/** SQL column of each counter, in one fixed order (the migration, the upserts and the reads use it). */
export const COUNTER_COLUMNS: Readonly<Record<keyof Counters, string>> = {
  apiCalls: 'api_calls',
  failedApiCalls: 'failed_api_calls',
  throttledApiCalls: 'throttled_api_calls',
  filteredApiCalls: 'filtered_api_calls',
  totalApiCalls: 'total_api_calls',
  promptTokens: 'prompt_tokens',
  completionTokens: 'completion_tokens',
  latencyMsSum: 'latency_ms_sum',
  ttftMsSum: 'ttft_ms_sum',
  ttftCount: 'ttft_count',
  cacheHits: 'cache_hits',
  retries: 'retries',
  cacheScoreSum: 'cache_score_sum',
  cacheScoreCount: 'cache_score_count',
};

export const COUNTER_KEYS = Object.keys(COUNTER_COLUMNS) as ReadonlyArray<keyof Counters>;

/** Counters that hold fractional sums (double precision); the others are whole numbers (bigint). */
export const FRACTIONAL_COUNTERS: ReadonlySet<keyof Counters> = new Set([
  'latencyMsSum',
  'ttftMsSum',
  'cacheScoreSum',
]);

export const ZERO_COUNTERS: Counters = {
  apiCalls: 0,
  failedApiCalls: 0,
  throttledApiCalls: 0,
  filteredApiCalls: 0,
  totalApiCalls: 0,
  promptTokens: 0,
  completionTokens: 0,
  latencyMsSum: 0,
  ttftMsSum: 0,
  ttftCount: 0,
  cacheHits: 0,
  cacheScoreSum: 0,
  cacheScoreCount: 0,
  retries: 0,
};

export type CallOutcome = 'ok' | 'throttled' | 'filtered' | 'failed';

/** Error codes of calls the seed counts as "filtered": the provider refused the content (its 400). */
const FILTERED_CODES: ReadonlySet<string> = new Set(['upstream_bad_request', 'content_filter']);

/**
 * The seed's classes: 2xx is a call, 429 (or a request the gateway refused for capacity) is throttled,
 * a request the provider refused as harmful or bad (seed: "Service status = 400", our
 * `upstream_bad_request`) is filtered, any other status failed. A 400 the gateway itself gave (bad
 * JSON, unknown field) never reached a provider and counts as failed.
 */
export function outcomeOf(event: Pick<UsageEvent, 'status' | 'throttled' | 'errorCode'>): CallOutcome {
  if (event.status >= 200 && event.status < 300) return 'ok';
  if (event.throttled || event.status === 429) return 'throttled';
  if (event.errorCode !== null && FILTERED_CODES.has(event.errorCode)) return 'filtered';
  return 'failed';
}

export function countersOf(event: UsageEvent): Counters {
  const outcome = outcomeOf(event);
  return {
    apiCalls: outcome === 'ok' ? 1 : 0,
    failedApiCalls: outcome === 'failed' ? 1 : 0,
    throttledApiCalls: outcome === 'throttled' ? 1 : 0,
    filteredApiCalls: outcome === 'filtered' ? 1 : 0,
    totalApiCalls: 1,
    promptTokens: event.promptTokens,
    completionTokens: event.completionTokens,
    latencyMsSum: event.latencyMs,
    ttftMsSum: event.timeToFirstTokenMs ?? 0,
    ttftCount: event.timeToFirstTokenMs === null ? 0 : 1,
    cacheHits: event.cacheHit ? 1 : 0,
    cacheScoreSum: event.cacheHit && event.cacheSimilarity !== null ? event.cacheSimilarity : 0,
    cacheScoreCount: event.cacheHit && event.cacheSimilarity !== null ? 1 : 0,
    retries: event.retries,
  };
}

export function addCounters(a: Counters, b: Counters): Counters {
  const sum: Record<keyof Counters, number> = { ...ZERO_COUNTERS };
  for (const key of COUNTER_KEYS) sum[key] = a[key] + b[key];
  return sum;
}
