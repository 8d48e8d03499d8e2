import type { Usage } from '@aigw/contracts';

/**
 * Normalises an OpenAI `usage` object. Embeddings report no completion tokens (0); a missing total is
 * the sum. Null when the upstream reported no usable token counts.
 */
export function toUsage(raw: unknown): Usage | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const usage = raw as Record<string, unknown>;
  const prompt = tokenCount(usage.prompt_tokens);
  const completion = tokenCount(usage.completion_tokens);
  if (prompt === null && completion === null) return null;
  const total = tokenCount(usage.total_tokens) ?? (prompt ?? 0) + (completion ?? 0);
  return { prompt_tokens: prompt ?? 0, completion_tokens: completion ?? 0, total_tokens: total };
}

function tokenCount(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}
