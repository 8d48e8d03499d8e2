import { z } from 'zod';

/**
 * The metrics service's own queue: a repeatable `collect` job closes finished collection intervals
 * into the history (one run per cron tick across every replica).
 */
export const MetricsJobs = { queue: 'metrics', collect: 'metrics.collect' } as const;

/** `Subjects.metrics.summary` payload: the applications to report, or `null` for every one. */
export const MetricsSummaryRequestSchema = z.object({
  applicationIds: z.array(z.string()).nullable(),
});
export type MetricsSummaryRequest = z.infer<typeof MetricsSummaryRequestSchema>;

/** The `endpoint` of requests that no endpoint answered (every endpoint busy or failed, or refused first). */
export const NO_ENDPOINT = '(none)';

const count = z.number().int().nonnegative();

/** The seed's call counters. `totalApiCalls` = the other four summed. */
const CallCountersShape = {
  /** Answered with a 2xx. */
  apiCalls: count,
  /** Answered with any other non-2xx status (upstream errors, timeouts, client cancels…). */
  failedApiCalls: count,
  /** Refused with 429 (every endpoint cooling down, or a limit). */
  throttledApiCalls: count,
  /** Refused by the provider as harmful or bad (its 400, `upstream_bad_request`), as the seed's. */
  filteredApiCalls: count,
  totalApiCalls: count,
};

export const IntervalMetricsSchema = z.object({
  /** Start of the interval, ISO 8601 UTC (the seed prints a locale string). */
  collectionTime: z.string(),
  /** Length of the interval in minutes (our addition: it may change with the configuration). */
  intervalMinutes: z.number().int().positive(),
  collectedMetrics: z.object({
    ...CallCountersShape,
    throughput: z.object({
      /** Prompt + completion tokens of the interval, in thousands. */
      kTokensPerWindow: z.number().nonnegative(),
      /** Upstream requests of the interval: its calls plus their failovers (`retries`). */
      requestsPerWindow: z.number().nonnegative(),
      /** Tokens per call (all calls of the interval). */
      avgTokensPerCall: z.number().nonnegative(),
      /** Upstream requests per call (1 without failovers). */
      avgRequestsPerCall: z.number().nonnegative(),
      tokensPerMinute: z.number().nonnegative(),
      /** Calls (`totalApiCalls`) per minute. */
      requestsPerMinute: z.number().nonnegative(),
    }),
    /** Our addition: calls of the interval answered from the cache. */
    cacheHits: count,
    latency: z.object({
      /** Mean end-to-end time of the interval's calls, as the gateway measured it. */
      avgResponseTimeMsec: z.number().nonnegative(),
      /** Our addition: mean time to the first content chunk of its streams; null without streams. */
      avgTimeToFirstTokenMsec: z.number().nonnegative().nullable(),
    }),
  }),
});
export type IntervalMetrics = z.infer<typeof IntervalMetricsSchema>;

export const EndpointMetricsSchema = z.object({
  /** The endpoint id of the configuration, or `NO_ENDPOINT` (the seed puts the URL here). */
  endpoint: z.string(),
  /** The endpoint's configured base URL (never a key); null when the provider's default is used. */
  uri: z.string().nullable(),
  /** Lower is tried first; null for `NO_ENDPOINT`. */
  priority: z.number().int().nullable(),
  metrics: z.object({
    /** Since the metrics tables were created (the seed resets them every interval). */
    ...CallCountersShape,
    kInferenceTokens: z.number().nonnegative(),
    /** The latest finished intervals that had calls, oldest first, keyed "0", "1"… (at most `historyCount`). */
    history: z.record(z.string().regex(/^\d+$/), IntervalMetricsSchema),
  }),
});
export type EndpointMetrics = z.infer<typeof EndpointMetricsSchema>;

export const ApplicationMetricsSchema = z.object({
  applicationId: z.string(),
  cacheMetrics: z.object({
    /** Calls answered from the semantic cache. */
    hitCount: count,
    /** Mean similarity score of the hits that report one (`cacheSimilarity`); null without any. */
    avgScore: z.number().nullable(),
  }),
  /** The application's endpoints in priority order, then `NO_ENDPOINT` when it has calls. */
  endpointMetrics: z.array(EndpointMetricsSchema),
});
export type ApplicationMetrics = z.infer<typeof ApplicationMetricsSchema>;

/**
 * `Subjects.metrics.summary` reply: the ganrad openai-api-router `/metrics` JSON (seed 003), per
 * application and endpoint, with the interval history kept in Postgres.
 */
export const MetricsSummarySchema = z.object({
  /** The gateway's listen port. */
  listenPort: z.number().int().min(0).max(65535),
  /** The gateway's listen host (the seed's instance name is free text; we have none). */
  instanceName: z.string(),
  collectionIntervalMins: z.number().int().positive(),
  historyCount: z.number().int().positive(),
  applicationMetrics: z.array(ApplicationMetricsSchema),
  /** 2xx calls answered by an endpoint (cache hits excluded), over the reported applications. */
  successApiCalls: count,
  /** Calls answered from the cache. */
  cachedApiCalls: count,
  /** Non-2xx calls (failed, throttled and filtered), as the seed: status != 2xx. */
  failedApiCalls: count,
  totalApiCalls: count,
  /** ISO 8601 UTC time of the report. */
  currentDate: z.string(),
  status: z.literal('OK'),
});
export type MetricsSummary = z.infer<typeof MetricsSummarySchema>;

/** The HTTP body of the gateway's metrics routes: the summary and the path it was served on. */
export const MetricsReportSchema = MetricsSummarySchema.extend({ endpointUri: z.string() });
export type MetricsReport = z.infer<typeof MetricsReportSchema>;
