import type { ProviderKind } from '@aigw/config';
import type { ProviderOperation } from '../provider-adapter.interface';

/** `gen_ai.operation.name` of each operation (semantic conventions' well-known values). */
export const GEN_AI_OPERATIONS: Readonly<Record<ProviderOperation, string>> = {
  chat: 'chat',
  completions: 'text_completion',
  embeddings: 'embeddings',
};

/** `gen_ai.provider.name`: the conventions' well-known values where one exists, our provider id otherwise. */
const PROVIDER_NAMES: Readonly<Partial<Record<ProviderKind, string>>> = {
  'azure-openai': 'azure.ai.openai',
  gemini: 'gcp.gemini',
  mistral: 'mistral_ai',
};

export function genAiProviderName(provider: ProviderKind): string {
  return PROVIDER_NAMES[provider] ?? provider;
}

/** Request parameters recorded on the span, by body field (`max_tokens` and its newer name both). */
export const REQUEST_ATTRIBUTES: ReadonlyArray<readonly [string, string]> = [
  ['max_tokens', 'gen_ai.request.max_tokens'],
  ['max_completion_tokens', 'gen_ai.request.max_tokens'],
  ['temperature', 'gen_ai.request.temperature'],
  ['top_p', 'gen_ai.request.top_p'],
  ['frequency_penalty', 'gen_ai.request.frequency_penalty'],
  ['presence_penalty', 'gen_ai.request.presence_penalty'],
  ['seed', 'gen_ai.request.seed'],
];

/** `choices[].finish_reason` of an OpenAI-shaped response. */
export function finishReasons(body: Readonly<Record<string, unknown>>): string[] {
  const choices = body['choices'];
  const reasons: string[] = [];
  if (!Array.isArray(choices)) return reasons;
  for (const choice of choices as unknown[]) {
    const reason = (choice as { finish_reason?: unknown } | null)?.finish_reason;
    if (typeof reason === 'string') reasons.push(reason);
  }
  return reasons;
}
