import type { CacheSettings, SearchType } from '@aigw/config';

export type CacheDecision =
  { readonly cacheable: true } | { readonly cacheable: false; readonly reason: string };

const CACHEABLE: CacheDecision = { cacheable: true };

/** Whether a request may be answered from the cache (and its answer cached). */
export function requestDecision(body: Record<string, unknown>, settings: CacheSettings): CacheDecision {
  const temperature = typeof body['temperature'] === 'number' ? body['temperature'] : 1;
  if (temperature > settings.maxTemperature)
    return { cacheable: false, reason: `temperature ${temperature} is above ${settings.maxTemperature}` };
  return CACHEABLE;
}

/**
 * Whether an answer may be cached: a complete one, with no tool call unless `cacheToolCalls` (a tool
 * call asks the caller to act, and acting twice on one cached call is rarely what was meant).
 */
export function responseDecision(response: Record<string, unknown>, settings: CacheSettings): CacheDecision {
  const choices = response['choices'];
  if (!Array.isArray(choices) || choices.length === 0) return { cacheable: false, reason: 'no choices' };
  for (const choice of choices as Array<Record<string, unknown>>) {
    const finish = choice['finish_reason'];
    if (finish === 'content_filter') return { cacheable: false, reason: 'filtered by the provider' };
    const message = choice['message'] as Record<string, unknown> | undefined;
    const callsTools =
      finish === 'tool_calls' ||
      finish === 'function_call' ||
      (Array.isArray(message?.['tool_calls']) && message['tool_calls'].length > 0) ||
      message?.['function_call'] != null;
    if (callsTools && !settings.cacheToolCalls) return { cacheable: false, reason: 'the answer calls tools' };
  }
  return CACHEABLE;
}

/** The score an identical input gets: what the exact tier reports as its similarity. */
export const IDENTICAL_SCORE: Readonly<Record<SearchType, number>> = { CS: 1, LS: 0, IP: 1 };

/** CS and IP are similarities (higher is closer), LS a distance (lower is closer). */
export function passesThreshold(searchType: SearchType, score: number, threshold: number): boolean {
  return searchType === 'LS' ? score <= threshold : score >= threshold;
}
