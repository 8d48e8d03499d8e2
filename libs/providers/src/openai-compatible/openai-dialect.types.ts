/**
 * How a vendor's OpenAI-compatible API departs from OpenAI's, declared rather than coded (Portkey
 * style): most vendors need nothing, a few reject or rename fields.
 */
export interface OpenAiDialect {
  /** The field that carries the endpoint's `maxTokensCap` when the client sent neither limit. */
  readonly maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** Request fields the vendor rejects. */
  readonly drop?: readonly string[];
  /** Request fields the vendor names differently (OpenAI name → vendor name). */
  readonly rename?: Readonly<Record<string, string>>;
}

/** OpenAI itself: reasoning models refuse `max_tokens`, every chat model takes `max_completion_tokens`. */
export const OPENAI_DIALECT: OpenAiDialect = { maxTokensField: 'max_completion_tokens' };

/** Servers that follow the older API surface (vLLM, Ollama, most hosted vendors). */
export const OPENAI_COMPATIBLE_DIALECT: OpenAiDialect = { maxTokensField: 'max_tokens' };
