import { z } from 'zod';

const ms = z.number().int().min(0).max(3_600_000);

/**
 * How the mock answers one request. Every field is optional and they combine freely; an empty
 * behaviour is a normal success. Stream fields apply to `stream: true` requests only.
 */
export const MockBehaviourSchema = z.strictObject({
  /** >= 400 answers with an OpenAI error body (or `body`); < 400 changes the status of the normal reply. */
  status: z.number().int().min(100).max(599).optional(),
  /** Replaces the response body: a string is sent verbatim, anything else as JSON. */
  body: z.unknown().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  /** Sets the `retry-after` header. */
  retryAfter: z.string().optional(),
  /** Wait before sending the response headers. */
  delayMs: ms.optional(),
  /** Never answer; the socket stays open until the client goes away. */
  hang: z.boolean().optional(),
  /** Wait between two SSE frames. */
  chunkDelayMs: ms.optional(),
  /** Wait between the response headers and the first SSE frame. */
  firstChunkDelayMs: ms.optional(),
  /** Close the connection after sending that many SSE frames (counting every `data:` frame). */
  cutAfterChunks: z.number().int().min(0).optional(),
  /** 0-based index of the SSE frame replaced by `data: {not json`. */
  malformedChunkAt: z.number().int().min(0).optional(),
  /** Number of content chunks the reply is split into (default: one per word). */
  chunks: z.number().int().min(0).max(100_000).optional(),
  /** Reply text instead of `Mock reply to: …`. */
  content: z.string().optional(),
});
export type MockBehaviour = z.infer<typeof MockBehaviourSchema>;

export const MockScriptSchema = z.strictObject({ behaviours: z.array(MockBehaviourSchema) });

/** The behaviour of a request when nothing is scripted. */
export const NORMAL_BEHAVIOUR: MockBehaviour = Object.freeze({});
