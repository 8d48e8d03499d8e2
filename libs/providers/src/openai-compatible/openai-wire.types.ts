/**
 * The OpenAI wire format, as far as the gateway reads it (https://platform.openai.com/docs/api-reference).
 * Bodies are otherwise passed through untouched, so only the fields the gateway looks at are typed.
 */

/** Paths below an OpenAI-compatible base URL (`…/v1`). */
export type OpenAiPath = 'chat/completions' | 'completions' | 'embeddings';

export interface OpenAiUsage {
  readonly prompt_tokens?: number;
  readonly completion_tokens?: number;
  readonly total_tokens?: number;
}

/** `{ "error": { … } }`; vLLM and some others put the fields at the top level instead. */
export interface OpenAiErrorEnvelope {
  readonly error?: string | OpenAiErrorBody;
  readonly message?: string;
  readonly param?: string | null;
  /** FastAPI-style servers. */
  readonly detail?: unknown;
}

export interface OpenAiErrorBody {
  readonly message?: string;
  readonly type?: string;
  readonly param?: string | null;
  readonly code?: string | number | null;
}

export interface OpenAiResponseHead {
  readonly model?: string;
  readonly usage?: OpenAiUsage | null;
}

/** One `data:` payload of a streamed chat or text completion. */
export interface OpenAiStreamChunk extends OpenAiResponseHead {
  readonly choices?: readonly unknown[];
  /** Sent by some servers instead of a chunk when generation fails mid-stream. */
  readonly error?: string | OpenAiErrorBody;
}

export interface OpenAiEmbedding {
  readonly object?: 'embedding';
  readonly index?: number;
  readonly embedding: readonly number[] | string;
}

export interface OpenAiEmbeddingsResponse extends OpenAiResponseHead {
  readonly object?: 'list';
  readonly data: readonly OpenAiEmbedding[];
}

/** The SSE payload that ends an OpenAI stream. */
export const OPENAI_STREAM_DONE = '[DONE]';
