import { z } from 'zod';
import { RateLimitStatusSchema } from './rate-limit.schema';

/** What the gateway asks the router to do. The body is the client's validated OpenAI request. */
export const RouteRequestSchema = z.object({
  requestId: z.string().min(1),
  applicationId: z.string().min(1),
  /** The API key's id (never the key), for per-consumer policies. */
  consumerId: z.string().nullable(),
  /** The consumer key's environment (APK): the model list a `model-based` application uses. */
  environment: z.enum(['production', 'sandbox']).optional(),
  /** The caller's identity for `consistent-hash` routing, taken by the gateway from what `hashOn` names. */
  hashKey: z.string().max(1_024).nullable().optional(),
  body: z.record(z.string(), z.unknown()),
});
export type RouteRequest = z.infer<typeof RouteRequestSchema>;

export const UsageSchema = z.object({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof UsageSchema>;

/** One upstream attempt, for logs, metrics and the error message when every endpoint failed. */
export const AttemptSchema = z.object({
  endpointId: z.string(),
  outcome: z.enum(['ok', 'rate_limited', 'server_error', 'client_error', 'timeout', 'connection_error']),
  status: z.number().int().nullable(),
  durationMs: z.number(),
});
export type Attempt = z.infer<typeof AttemptSchema>;

/**
 * Reply of the non-streaming subjects. `body` is the OpenAI-shaped response JSON: the object, or, when
 * the upstream's answer is relayed unchanged, its JSON text exactly as the upstream sent it (the
 * gateway sends it on without parsing and re-serialising it; see `routeResultBody`).
 */
export const RouteResultSchema = z.object({
  endpointId: z.string(),
  provider: z.string(),
  model: z.string(),
  body: z.union([z.string(), z.record(z.string(), z.unknown())]),
  usage: UsageSchema.nullable(),
  attempts: z.array(AttemptSchema),
  rateLimit: RateLimitStatusSchema.optional(),
});
export type RouteResult = z.infer<typeof RouteResultSchema>;

/** A route result's body as an object (its text parsed: the router checked it is a JSON object). */
export function routeResultBody(body: RouteResult['body']): Record<string, unknown> {
  return typeof body === 'string' ? (JSON.parse(body) as Record<string, unknown>) : body;
}

/**
 * Messages of the streaming subjects, in order: one `start` (after an endpoint accepted the request,
 * so failover is over), any number of `chunks` (the JSON texts of the OpenAI chunks of one upstream
 * read, passed through without re-serialising: one message for a burst, not one a chunk), one `end`,
 * then the stream completes. A failure after `start` errors it.
 */
export const RouterStreamEventSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('start'),
    endpointId: z.string(),
    provider: z.string(),
    model: z.string(),
    /** The failed attempts before this endpoint accepted the stream. */
    retries: z.number().int().nonnegative(),
    rateLimit: RateLimitStatusSchema.optional(),
  }),
  z.object({ kind: z.literal('chunks'), data: z.array(z.string()).min(1).readonly() }),
  /** Last message of a stream that ended well: the usage the upstream reported, if it did. */
  z.object({ kind: z.literal('end'), usage: UsageSchema.nullable() }),
]);
export type RouterStreamEvent = z.infer<typeof RouterStreamEventSchema>;
