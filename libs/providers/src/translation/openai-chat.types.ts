/**
 * The OpenAI chat format as the translating adapters (Anthropic, Gemini) read and write it
 * (https://platform.openai.com/docs/api-reference/chat). Requests are read into `ChatRequest`, checked
 * field by field; answers are written as `chat.completion` objects and `chat.completion.chunk` texts.
 */

/** A client request, read and checked (see `readChatRequest`). */
export interface ChatRequest {
  readonly model: string;
  readonly system: readonly string[];
  readonly messages: readonly ChatMessage[];
  /** `max_completion_tokens`, else `max_tokens`, under the endpoint's cap; null when none applies. */
  readonly maxTokens: number | null;
  readonly temperature: number | null;
  readonly topP: number | null;
  readonly stop: readonly string[];
  readonly n: number;
  readonly seed: number | null;
  readonly presencePenalty: number | null;
  readonly frequencyPenalty: number | null;
  readonly tools: readonly ToolDefinition[];
  readonly toolChoice: ToolChoice | null;
  readonly parallelToolCalls: boolean | null;
  readonly responseFormat: ResponseFormat | null;
  readonly user: string | null;
  /** `stream_options.include_usage`: end the stream with a usage chunk. */
  readonly includeUsage: boolean;
}

/** System and developer messages are hoisted into `ChatRequest.system`. */
export type ChatMessage = UserMessage | AssistantMessage | ToolMessage;

export interface UserMessage {
  readonly role: 'user';
  readonly parts: readonly UserPart[];
}

export interface AssistantMessage {
  readonly role: 'assistant';
  readonly text: string;
  readonly toolCalls: readonly ToolCall[];
}

export interface ToolMessage {
  readonly role: 'tool';
  readonly toolCallId: string;
  readonly text: string;
}

export type UserPart =
  | { readonly type: 'text'; readonly text: string }
  /** `url` is an `https:` URL or a `data:` URL. */
  | { readonly type: 'image'; readonly url: string }
  /** A file sent inline: `data` is a `data:` URL. */
  | { readonly type: 'file'; readonly data: string; readonly filename: string | null };

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  /** The parsed `arguments` JSON object. */
  readonly arguments: Readonly<Record<string, unknown>>;
}

export interface ToolDefinition {
  readonly name: string;
  readonly description: string | null;
  /** JSON Schema of the arguments; null when the function takes none. */
  readonly parameters: Readonly<Record<string, unknown>> | null;
}

export type ToolChoice =
  { readonly type: 'none' | 'auto' | 'required' } | { readonly type: 'function'; readonly name: string };

export type ResponseFormat =
  | { readonly type: 'json_object' }
  | { readonly type: 'json_schema'; readonly schema: Readonly<Record<string, unknown>> };

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** An answer's usage in the OpenAI shape, with the details vendors report. */
export interface OpenAiUsageOut {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  readonly prompt_tokens_details?: { readonly cached_tokens: number };
  readonly completion_tokens_details?: { readonly reasoning_tokens: number };
}

export interface OpenAiToolCallOut {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

export interface OpenAiChoiceOut {
  readonly index: number;
  readonly message: {
    readonly role: 'assistant';
    readonly content: string | null;
    readonly refusal: null;
    readonly tool_calls?: readonly OpenAiToolCallOut[];
  };
  readonly logprobs: null;
  readonly finish_reason: FinishReason | null;
}

/** A type, not an interface: it is returned as a `ProviderResponse` body (a plain record). */
export type OpenAiChatCompletionOut = {
  readonly id: string;
  readonly object: 'chat.completion';
  readonly created: number;
  readonly model: string;
  readonly choices: readonly OpenAiChoiceOut[];
  readonly usage?: OpenAiUsageOut;
};

/** A tool call delta: the first one of a call names it, later ones append argument text. */
export interface OpenAiToolCallDeltaOut {
  readonly index: number;
  readonly id?: string;
  readonly type?: 'function';
  readonly function: { readonly name?: string; readonly arguments: string };
}

export interface OpenAiDeltaOut {
  readonly role?: 'assistant';
  readonly content?: string;
  readonly tool_calls?: readonly OpenAiToolCallDeltaOut[];
}

export interface OpenAiChunkOut {
  readonly id: string;
  readonly object: 'chat.completion.chunk';
  readonly created: number;
  readonly model: string;
  readonly choices: readonly {
    readonly index: number;
    readonly delta: OpenAiDeltaOut;
    readonly logprobs: null;
    readonly finish_reason: FinishReason | null;
  }[];
  readonly usage?: OpenAiUsageOut;
}

/** Ids and clock for the answers a translating adapter writes; specs pass fixed ones. */
export interface TranslationContext {
  /** Seconds since the epoch, for `created`. */
  readonly created: number;
  /** A fresh id with the given prefix (`chatcmpl-`, `call_`). */
  newId(prefix: string): string;
}

/** A vendor field that should be an array; `Array.isArray` alone would widen it to `any[]`. */
export function arrayOf<T>(value: readonly T[] | null | undefined): readonly T[] {
  return Array.isArray(value) ? (value as readonly T[]) : [];
}
