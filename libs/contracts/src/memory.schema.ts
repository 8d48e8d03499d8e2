import { z } from 'zod';

/**
 * Conversational memory (the ganrad openai-api-router's state management, seed 003). With memory on
 * for an application, every chat response carries `x-thread-id`; a client that sends it back continues
 * the thread: the gateway loads it (`memory.v1.load`, request/reply) and prepends the stored history.
 * The new interaction is appended off the request path by a job (`memory.<requestId>`).
 */
export const THREAD_ID_HEADER = 'x-thread-id';

/** Thread ids are UUIDs; the gateway mints version 7 ones (their first 48 bits are the creation time). */
export const ThreadIdSchema = z.uuid();

/** One OpenAI chat message, as the client sent it or as the assistant answered (kept verbatim). */
export const ChatMessageSchema = z.looseObject({ role: z.string().min(1) });
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

/** `Subjects.memory.load` payload. */
export const MemoryLoadRequestSchema = z.object({
  threadId: ThreadIdSchema,
  applicationId: z.string().min(1),
  /** The API key's id: a thread belongs to the consumer that started it. */
  consumerId: z.string().nullable(),
  /** The turn being served: the next load of the thread waits (briefly) until it has been appended. */
  requestId: z.string().min(1),
});
export type MemoryLoadRequest = z.infer<typeof MemoryLoadRequestSchema>;

/** `Subjects.memory.load` reply; an unknown or expired thread is a `thread_not_found` error instead. */
export const MemoryLoadReplySchema = z.object({
  threadId: ThreadIdSchema,
  /** The latest system messages a turn of the thread brought (used when the request has none). */
  system: z.array(ChatMessageSchema),
  /** The first user message, then the last `msgCount` interactions, oldest first. */
  history: z.array(ChatMessageSchema),
});
export type MemoryLoadReply = z.infer<typeof MemoryLoadReplySchema>;

/** One turn of a thread, appended by the `memory` queue's worker. */
export const MemoryAppendJobSchema = z.object({
  threadId: ThreadIdSchema,
  requestId: z.string().min(1),
  applicationId: z.string().min(1),
  consumerId: z.string().nullable(),
  /** The system messages the client sent with this turn (empty: the thread keeps its earlier ones). */
  system: z.array(ChatMessageSchema),
  /** The client's other messages of this turn. */
  messages: z.array(ChatMessageSchema),
  /** The assistant's answer; null when the turn failed (nothing is appended, the thread is released). */
  reply: ChatMessageSchema.nullable(),
  /** ISO time the response ended. */
  finishedAt: z.string(),
});
export type MemoryAppendJob = z.infer<typeof MemoryAppendJobSchema>;

/** Queues of the memory service: appends (one job per request) and the expiry sweep (repeatable). */
export const MemoryJobs = {
  queue: 'memory',
  append: 'memory.append',
  jobId: (requestId: string) => `memory.${requestId}`,
  sweepQueue: 'memory-sweep',
  sweep: 'memory.sweep',
} as const;
