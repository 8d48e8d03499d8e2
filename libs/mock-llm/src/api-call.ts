import type { MockExchange } from './mock-exchange';
import { isRecord } from './reply-text';

/** A validated OpenAI API request, ready for its handler. */
export interface ApiCall {
  readonly exchange: MockExchange;
  readonly body: Readonly<Record<string, unknown>>;
  /** The requested model, or the Azure deployment name. */
  readonly model: string;
  /** Status of a successful reply: 200 unless a behaviour scripted another one below 400. */
  readonly status: number;
}

export function usageJson(promptTokens: number, completionTokens: number): string {
  return `{"prompt_tokens":${promptTokens},"completion_tokens":${completionTokens},"total_tokens":${promptTokens + completionTokens}}`;
}

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** `stream_options.include_usage`: https://platform.openai.com/docs/api-reference/chat/create */
export function includeUsage(body: Readonly<Record<string, unknown>>): boolean {
  const options = body.stream_options;
  return isRecord(options) && options.include_usage === true;
}
