import { z } from 'zod';

/** One finished collection interval, summed over the endpoints (and the refused calls) it covers. */
export const MetricsPointSchema = z.object({
  /** Start of the interval, ISO 8601 UTC. */
  time: z.string(),
  requests: z.number().int().nonnegative(),
  /** Failed, throttled and filtered calls. */
  failed: z.number().int().nonnegative(),
  /** Prompt + completion tokens. */
  tokens: z.number().int().nonnegative(),
  /** Mean end-to-end latency of the interval's calls; null for an interval without calls. */
  latencyMs: z.number().nonnegative().nullable(),
  cacheHits: z.number().int().nonnegative(),
});
export type MetricsPoint = z.infer<typeof MetricsPointSchema>;

/** `GET /admin/v1/metrics`: the metrics service's interval history as chart series, oldest first. */
export const MetricsSeriesSchema = z.object({
  intervalMinutes: z.number().int().positive(),
  historyCount: z.number().int().positive(),
  /** When the metrics service read it, ISO 8601 UTC. */
  readAt: z.string(),
  /** Every reported application together. */
  total: z.array(MetricsPointSchema),
  applications: z.array(z.object({ applicationId: z.string(), points: z.array(MetricsPointSchema) })),
});
export type MetricsSeries = z.infer<typeof MetricsSeriesSchema>;
