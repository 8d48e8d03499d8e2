import { toUsage } from '../openai-compatible/openai-usage.mapper';
import { arrayOf } from '../translation/openai-chat.types';
import type {
  FinishReason,
  OpenAiChoiceOut,
  OpenAiToolCallOut,
  OpenAiUsageOut,
  TranslationContext,
} from '../translation/openai-chat.types';
import type { TranslatedCompletion } from '../translation/translating.adapter';
import { geminiToolCallId } from './gemini-tool-call.mapper';
import type { GeminiCandidate, GeminiPart, GeminiResponse, GeminiUsageMetadata } from './gemini-wire.types';

/** https://ai.google.dev/api/generate-content#FinishReason; unknown and benign reasons are `stop`. */
const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
};

/** A candidate that called a function and then stopped asks for tool results. */
export function geminiFinishReason(reason: string | undefined, calledFunction: boolean): FinishReason {
  const mapped = (reason && FINISH_REASONS[reason]) || 'stop';
  return mapped === 'stop' && calledFunction ? 'tool_calls' : mapped;
}

/**
 * Gemini counts thinking apart from the answer; OpenAI's `completion_tokens` includes reasoning
 * (https://ai.google.dev/api/generate-content#UsageMetadata).
 */
export function geminiUsage(usage: GeminiUsageMetadata | undefined): OpenAiUsageOut | null {
  if (!usage) return null;
  const prompt = count(usage.promptTokenCount);
  if (prompt === null) return null;
  const fullPrompt = prompt + (count(usage.toolUsePromptTokenCount) ?? 0);
  const thoughts = count(usage.thoughtsTokenCount) ?? 0;
  const completion = (count(usage.candidatesTokenCount) ?? 0) + thoughts;
  const cached = count(usage.cachedContentTokenCount) ?? 0;
  return {
    prompt_tokens: fullPrompt,
    completion_tokens: completion,
    total_tokens: count(usage.totalTokenCount) ?? fullPrompt + completion,
    ...(cached > 0 ? { prompt_tokens_details: { cached_tokens: cached } } : {}),
    ...(thoughts > 0 ? { completion_tokens_details: { reasoning_tokens: thoughts } } : {}),
  };
}

/** The answer's text, without thought summaries. */
export function answerText(parts: readonly GeminiPart[]): string {
  return parts
    .filter((p) => typeof p.text === 'string' && p.thought !== true)
    .map((p) => p.text)
    .join('');
}

export function toolCallOf(part: GeminiPart, context: TranslationContext): OpenAiToolCallOut | null {
  const call = part.functionCall;
  if (!call || typeof call.name !== 'string') return null;
  return {
    id: geminiToolCallId(call.id ?? context.newId('call_'), part.thoughtSignature),
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
  };
}

/**
 * A `generateContent` answer as a `chat.completion`, one choice per candidate. A prompt blocked before
 * any candidate is one empty choice finished by `content_filter`.
 */
export function fromGeminiResponse(
  response: GeminiResponse,
  requestedModel: string,
  context: TranslationContext,
): TranslatedCompletion {
  const candidates = arrayOf(response.candidates);
  const choices =
    candidates.length > 0
      ? candidates.map((c, i) => toChoice(c, i, context))
      : [blockedChoice(response.promptFeedback?.blockReason ? 'content_filter' : 'stop')];
  const model = response.modelVersion || requestedModel;
  const usage = geminiUsage(response.usageMetadata);
  return {
    body: {
      id: response.responseId || context.newId('chatcmpl-'),
      object: 'chat.completion',
      created: context.created,
      model,
      choices,
      ...(usage ? { usage } : {}),
    },
    model,
    usage: toUsage(usage),
  };
}

function toChoice(
  candidate: GeminiCandidate,
  position: number,
  context: TranslationContext,
): OpenAiChoiceOut {
  const parts = candidate.content?.parts ?? [];
  const text = answerText(parts);
  const toolCalls = parts.flatMap((p) => toolCallOf(p, context) ?? []);
  return {
    index: candidate.index ?? position,
    message: {
      role: 'assistant',
      content: text !== '' || toolCalls.length === 0 ? text : null,
      refusal: null,
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    },
    logprobs: null,
    finish_reason: geminiFinishReason(candidate.finishReason, toolCalls.length > 0),
  };
}

function blockedChoice(reason: FinishReason): OpenAiChoiceOut {
  return {
    index: 0,
    message: { role: 'assistant', content: '', refusal: null },
    logprobs: null,
    finish_reason: reason,
  };
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}
