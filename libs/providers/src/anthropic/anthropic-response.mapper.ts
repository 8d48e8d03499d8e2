import { toUsage } from '../openai-compatible/openai-usage.mapper';
import type { TranslatedCompletion } from '../translation/translating.adapter';
import { arrayOf } from '../translation/openai-chat.types';
import type {
  FinishReason,
  OpenAiToolCallOut,
  OpenAiUsageOut,
  TranslationContext,
} from '../translation/openai-chat.types';
import type { AnthropicMessageResponse, AnthropicUsage } from './anthropic-wire.types';

/** https://docs.anthropic.com/en/api/handling-stop-reasons */
const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

export function anthropicFinishReason(stopReason: string | null | undefined): FinishReason {
  return (stopReason && FINISH_REASONS[stopReason]) || 'stop';
}

/**
 * Anthropic counts cached prompt tokens apart from `input_tokens`; OpenAI's `prompt_tokens` includes
 * them (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance).
 */
export function anthropicUsage(usage: AnthropicUsage | undefined): OpenAiUsageOut | null {
  if (!usage) return null;
  const input = count(usage.input_tokens);
  const output = count(usage.output_tokens);
  if (input === null && output === null) return null;
  const cacheRead = count(usage.cache_read_input_tokens) ?? 0;
  const prompt = (input ?? 0) + (count(usage.cache_creation_input_tokens) ?? 0) + cacheRead;
  const completion = output ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...(cacheRead > 0 ? { prompt_tokens_details: { cached_tokens: cacheRead } } : {}),
  };
}

/** A Messages API answer as a `chat.completion`: text blocks joined, `tool_use` blocks as tool calls. */
export function fromAnthropicMessage(
  message: AnthropicMessageResponse,
  requestedModel: string,
  context: TranslationContext,
): TranslatedCompletion {
  const blocks = arrayOf(message.content);
  const text = blocks
    .filter((b) => b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text)
    .join('');
  const toolCalls = blocks
    .filter((b) => b.type === 'tool_use' && typeof b.name === 'string')
    .map((b): OpenAiToolCallOut => ({
      id: b.id ?? context.newId('toolu_'),
      type: 'function',
      function: { name: b.name ?? '', arguments: JSON.stringify(b.input ?? {}) },
    }));
  const model = typeof message.model === 'string' && message.model !== '' ? message.model : requestedModel;
  const usage = anthropicUsage(message.usage);
  return {
    body: {
      id: message.id ?? context.newId('msg_'),
      object: 'chat.completion',
      created: context.created,
      model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: text !== '' || toolCalls.length === 0 ? text : null,
            refusal: null,
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          },
          logprobs: null,
          finish_reason: anthropicFinishReason(message.stop_reason),
        },
      ],
      ...(usage ? { usage } : {}),
    },
    model,
    usage: toUsage(usage),
  };
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}
