import { z } from 'zod';

/**
 * One record per request that reached an application, written by the gateway when the response ends
 * and delivered at least once through the `usage` job queue, a few to a job (`usage.batch`, job id
 * `usage-batch.<first requestId>`; a single record as `usage.recorded`, id `usage.<requestId>`, is
 * read too); the metrics service aggregates each record idempotently, by its request id.
 */
export const UsageEventSchema = z.object({
  requestId: z.string().min(1),
  applicationId: z.string(),
  /** The endpoint that answered, or null when none did (all busy, all failed). */
  endpointId: z.string().nullable(),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  /** API key id, never the key. */
  consumerId: z.string().nullable(),
  operation: z.enum(['chat', 'completions', 'embeddings']),
  stream: z.boolean(),
  status: z.number().int(),
  /** `2xx`, `4xx`, `5xx`… of `status` (a client that went away, 499, is `4xx`). */
  statusClass: z.enum(['1xx', '2xx', '3xx', '4xx', '5xx']).optional(),
  /** The error code the client got (`ErrorCodes`), null on success; `upstream_bad_request` is "filtered". */
  errorCode: z.string().nullable().default(null),
  /** The `model` the client asked for (the application id or one of its model names). */
  requestedModel: z.string().nullable().default(null),
  /** 429: the request was refused for capacity (every endpoint busy, or a limit). */
  throttled: z.boolean(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  latencyMs: z.number().nonnegative(),
  /** Streams: time to the first content chunk. */
  timeToFirstTokenMs: z.number().nonnegative().nullable(),
  /** Answered from the semantic cache. */
  cacheHit: z.boolean().default(false),
  /** The cache hit's similarity (`x-aigw-cache-similarity`); null when not answered from the cache. */
  cacheSimilarity: z.number().nullable().default(null),
  /** Upstream attempts before the one that answered (failovers). */
  retries: z.number().int().nonnegative(),
  /** ISO time the response ended. */
  finishedAt: z.string(),
});
export type UsageEvent = z.infer<typeof UsageEventSchema>;

/** The gateway's records of requests that ended within a few milliseconds of each other: one job. */
export const UsageBatchSchema = z.object({ events: z.array(z.unknown()).min(1) });
export type UsageBatch = { readonly events: readonly UsageEvent[] };

/** Queue and job names of durable work, and their deterministic ids. */
export const Queues = {
  usage: {
    name: 'usage',
    job: 'usage.recorded',
    jobId: (requestId: string) => `usage.${requestId}`,
    batchJob: 'usage.batch',
    /** Each request id is in one batch only, so its first one names the batch. */
    batchJobId: (firstRequestId: string) => `usage-batch.${firstRequestId}`,
  },
} as const;
