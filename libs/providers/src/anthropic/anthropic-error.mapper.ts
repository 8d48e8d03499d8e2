import type { VendorError } from '../upstream/upstream-outcome.mapper';
import type { AnthropicErrorEnvelope } from './anthropic-wire.types';

/**
 * Cool-down after HTTP 529 `overloaded_error`: the whole API is busy, not our quota, so a short pause
 * before the endpoint is tried again (https://docs.anthropic.com/en/api/errors#http-errors).
 */
export const ANTHROPIC_OVERLOADED_COOLDOWN_MS = 5_000;

/**
 * Reads `{"type":"error","error":{"type","message"}}`. A 400 about the credit balance is the endpoint's
 * billing, not the client's request.
 */
export function parseAnthropicError(bodyText: string): VendorError | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { error } = parsed as AnthropicErrorEnvelope;
  if (typeof error !== 'object' || error === null || typeof error.message !== 'string') return null;
  return {
    message: error.message,
    param: null,
    ...(error.type === 'overloaded_error' ? { retryAfterMs: ANTHROPIC_OVERLOADED_COOLDOWN_MS } : {}),
    ...(/credit balance/i.test(error.message) ? { endpointFault: true } : {}),
  };
}
