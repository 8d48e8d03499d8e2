/**
 * The Anthropic Messages API wire format (https://docs.anthropic.com/en/api/messages), as far as the
 * gateway writes and reads it. Requests are type aliases so they can be merged as plain records.
 */

export type AnthropicRequest = {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  system?: string;
  temperature?: number;
  top_p?: number;
  stop_sequences?: string[];
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  metadata?: { user_id: string };
  stream?: boolean;
};

export interface AnthropicMessage {
  readonly role: 'user' | 'assistant';
  readonly content: AnthropicRequestBlock[];
}

export type AnthropicRequestBlock =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'image'; readonly source: AnthropicSource }
  | { readonly type: 'document'; readonly source: AnthropicSource; readonly title?: string }
  | {
      readonly type: 'tool_use';
      readonly id: string;
      readonly name: string;
      readonly input: Readonly<Record<string, unknown>>;
    }
  | { readonly type: 'tool_result'; readonly tool_use_id: string; readonly content: string };

export type AnthropicSource =
  | { readonly type: 'base64'; readonly media_type: string; readonly data: string }
  | { readonly type: 'url'; readonly url: string }
  | { readonly type: 'text'; readonly media_type: 'text/plain'; readonly data: string };

export interface AnthropicTool {
  readonly name: string;
  readonly description?: string;
  readonly input_schema: Readonly<Record<string, unknown>>;
}

export type AnthropicToolChoice =
  | { readonly type: 'none' }
  | { readonly type: 'auto' | 'any'; readonly disable_parallel_tool_use?: boolean }
  | { readonly type: 'tool'; readonly name: string; readonly disable_parallel_tool_use?: boolean };

/** A response content block; `thinking` and server-tool blocks are read past. */
export interface AnthropicResponseBlock {
  readonly type?: string;
  readonly text?: string;
  readonly id?: string;
  readonly name?: string;
  readonly input?: unknown;
}

export interface AnthropicUsage {
  readonly input_tokens?: number;
  readonly output_tokens?: number;
  readonly cache_creation_input_tokens?: number | null;
  readonly cache_read_input_tokens?: number | null;
}

export interface AnthropicMessageResponse {
  readonly id?: string;
  readonly type?: 'message';
  readonly model?: string;
  readonly content?: readonly AnthropicResponseBlock[];
  readonly stop_reason?: string | null;
  readonly usage?: AnthropicUsage;
}

/** One streamed event (https://docs.anthropic.com/en/api/messages-streaming), discriminated by `type`. */
export interface AnthropicStreamEvent {
  readonly type?: string;
  readonly message?: AnthropicMessageResponse;
  readonly index?: number;
  readonly content_block?: AnthropicResponseBlock;
  readonly delta?: {
    readonly type?: string;
    readonly text?: string;
    readonly partial_json?: string;
    readonly stop_reason?: string | null;
  };
  readonly usage?: AnthropicUsage;
  readonly error?: AnthropicErrorDetail;
}

/** `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}` (https://docs.anthropic.com/en/api/errors). */
export interface AnthropicErrorDetail {
  readonly type?: string;
  readonly message?: string;
}

export interface AnthropicErrorEnvelope {
  readonly type?: 'error';
  readonly error?: AnthropicErrorDetail;
}
