import { z } from 'zod';
import { ThreadIdSchema } from './memory.schema';

/**
 * Prompt persistence (the seed's `persistPrompts`, table `apigtwyprompts`): one record per request of
 * an application that persists prompts, successful or not, delivered at least once through the
 * `prompts` queue with job id `prompt.<requestId>` and stored once per request id.
 */
export const PromptRecordSchema = z.object({
  requestId: z.string().min(1),
  applicationId: z.string(),
  /** API key id, never the key. */
  consumerId: z.string().nullable(),
  /** `chat`, `completions` or `embeddings`. */
  operation: z.enum(['chat', 'completions', 'embeddings']),
  /** The endpoint that answered, or null when none did. */
  endpointId: z.string().nullable(),
  provider: z.string().nullable(),
  /** The model the client asked for, and the one that answered (null when none did). */
  requestedModel: z.string().nullable(),
  model: z.string().nullable(),
  /** The request body's `user` field. */
  user: z.string().nullable(),
  /** The conversation thread, when memory is on for the application. */
  threadId: ThreadIdSchema.nullable(),
  stream: z.boolean(),
  /** What was sent upstream: `messages` (the thread's history included), `prompt`, or `input`. */
  prompt: z.unknown(),
  /** The assistant's message (chat), the text (completions), or null (embeddings, failures). */
  completion: z.unknown().nullable(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative(),
  latencyMs: z.number().nonnegative(),
  /** The HTTP status the client got (499: it went away first). */
  status: z.number().int(),
  /** Answered from the semantic cache (false until the cache fills it in). */
  cacheHit: z.boolean(),
  /** The error the client got, when it got one. */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** ISO time the response ended. */
  finishedAt: z.string(),
});
export type PromptRecord = z.infer<typeof PromptRecordSchema>;

export const PromptJobs = {
  queue: 'prompts',
  record: 'prompt.recorded',
  jobId: (requestId: string) => `prompt.${requestId}`,
} as const;
