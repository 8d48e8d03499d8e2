import { z } from 'zod';

/** Operations the cache serves: embeddings are never cached. */
export const CACHEABLE_OPERATIONS = ['chat', 'completions'] as const;
export type CacheableOperation = (typeof CACHEABLE_OPERATIONS)[number];

/** `Subjects.cache.lookup` payload: the client's validated request, as the router would get it. */
export const CacheLookupRequestSchema = z.object({
  requestId: z.string().min(1),
  applicationId: z.string().min(1),
  /** The API key's id: entries of a `perConsumer` application are scoped to it. */
  consumerId: z.string().nullable(),
  operation: z.enum(CACHEABLE_OPERATIONS),
  body: z.record(z.string(), z.unknown()),
});
export type CacheLookupRequest = z.infer<typeof CacheLookupRequestSchema>;

/**
 * `Subjects.cache.lookup` reply.
 * - `hit`: `body` is the cached OpenAI response (non-streaming shape, also for streamed answers);
 *   `similarity` is the score in the application's `searchType` (exact tier: that of identical input).
 * - `miss`: nothing close enough; cache the answer with a `CacheWriteJob` (`embedding` saves the
 *   writer a second embedding call; null when the semantic tier was not reached).
 * - `skip`: the application's policy does not cache this request (temperature, …): no write.
 * - `unavailable`: a store failed; served as a miss, and not written.
 */
export const CacheLookupReplySchema = z.discriminatedUnion('result', [
  z.object({
    result: z.literal('hit'),
    tier: z.enum(['exact', 'semantic']),
    similarity: z.number(),
    body: z.record(z.string(), z.unknown()),
  }),
  z.object({ result: z.literal('miss'), embedding: z.array(z.number()).nullable() }),
  z.object({ result: z.literal('skip'), reason: z.string() }),
  z.object({ result: z.literal('unavailable'), reason: z.string() }),
]);
export type CacheLookupReply = z.infer<typeof CacheLookupReplySchema>;

/**
 * A completed answer to cache, queued by the gateway off the request path (job id
 * `cache.<requestId>`, so a retried add is a no-op). `response` is the non-streaming OpenAI body; a
 * streamed answer is assembled into that shape first.
 */
export const CacheWriteJobSchema = CacheLookupRequestSchema.extend({
  response: z.record(z.string(), z.unknown()),
  embedding: z.array(z.number()).nullable(),
});
export type CacheWriteJob = z.infer<typeof CacheWriteJobSchema>;

/** The cache service's queue: writes, and the repeatable sweep of expired entries. */
export const CacheJobs = {
  queue: 'cache',
  write: 'cache.write',
  expire: 'cache.expire',
  writeJobId: (requestId: string) => `cache.${requestId}`,
} as const;

/** `Subjects.cache.stats` payload: the applications to report, or `null` for every one. */
export const CacheStatsRequestSchema = z.object({ applicationIds: z.array(z.string()).nullable() });
export type CacheStatsRequest = z.infer<typeof CacheStatsRequestSchema>;

/** The seed's `cacheMetrics` per application, plus the lookups that failed over to a miss. */
export const CacheMetricsSchema = z.object({
  hitCount: z.number().int().nonnegative(),
  /** Mean similarity of the hits; null before the first. */
  avgScore: z.number().nullable(),
  missCount: z.number().int().nonnegative(),
  /** Lookups a store failure turned into a miss. */
  unavailableCount: z.number().int().nonnegative(),
});
export type CacheMetrics = z.infer<typeof CacheMetricsSchema>;

export const CacheStatsReplySchema = z.object({
  applications: z.array(z.object({ applicationId: z.string(), cacheMetrics: CacheMetricsSchema })),
});
export type CacheStatsReply = z.infer<typeof CacheStatsReplySchema>;
