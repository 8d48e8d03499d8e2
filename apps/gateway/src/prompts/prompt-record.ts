import type { ChatMessage, PromptRecord, UsageEvent } from '@aigw/contracts';

/** What a request sent upstream and got back, beyond its usage record. */
export interface PromptOutcome {
  /** The body sent upstream (the thread's history included). */
  readonly body: Record<string, unknown>;
  readonly threadId: string | null;
  /** The assistant message or completion text; null for embeddings and failures. */
  readonly completion: ChatMessage | string | null;
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** The prompt record of a finished request: its usage record plus what was asked and answered. */
export function promptRecord(usage: UsageEvent, outcome: PromptOutcome): PromptRecord {
  const { body } = outcome;
  return {
    requestId: usage.requestId,
    applicationId: usage.applicationId,
    consumerId: usage.consumerId,
    operation: usage.operation,
    endpointId: usage.endpointId,
    provider: usage.provider,
    requestedModel: typeof body.model === 'string' ? body.model : null,
    model: usage.model,
    user: typeof body.user === 'string' ? body.user : null,
    threadId: outcome.threadId,
    stream: usage.stream,
    prompt: body.messages ?? body.prompt ?? body.input ?? null,
    completion: outcome.completion,
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
    totalTokens: usage.promptTokens + usage.completionTokens,
    latencyMs: usage.latencyMs,
    status: usage.status,
    cacheHit: usage.cacheHit,
    error: outcome.error === null ? null : { code: outcome.error.code, message: outcome.error.message },
    finishedAt: usage.finishedAt,
  };
}

/** Choice 0 of a non-streamed answer: the assistant message (chat) or the text (completions). */
export function completionOf(body: Record<string, unknown>): ChatMessage | string | null {
  const choices = body.choices;
  if (!Array.isArray(choices)) return null;
  const first = choices[0] as Record<string, unknown> | undefined;
  if (first === undefined) return null;
  const message = first.message;
  if (typeof message === 'object' && message !== null && typeof (message as ChatMessage).role === 'string')
    return message as ChatMessage;
  return typeof first.text === 'string' ? first.text : null;
}
