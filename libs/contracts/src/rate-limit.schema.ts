import { z } from 'zod';

/** One limit as a client sees it (OpenAI's `x-ratelimit-*` headers are written from it). */
export const RateLimitWindowSchema = z.object({
  limit: z.number().int().nonnegative(),
  remaining: z.number().int().nonnegative(),
  /** Until the window ends and the limit is whole again. */
  resetMs: z.number().nonnegative(),
});
export type RateLimitWindow = z.infer<typeof RateLimitWindowSchema>;

/**
 * The tightest request limit and the tightest token limit that applied to a request (of its
 * application, of its consumer in the application, of its API key), after its own reservation.
 * Absent when no such limit is configured.
 */
export const RateLimitStatusSchema = z.object({
  requests: RateLimitWindowSchema.nullable(),
  tokens: RateLimitWindowSchema.nullable(),
});
export type RateLimitStatus = z.infer<typeof RateLimitStatusSchema>;
