import type { VendorError } from '../upstream/upstream-outcome.mapper';
import type { OpenAiErrorEnvelope } from './openai-wire.types';

/** Reads the message and param of an OpenAI-style error body; null when it has none. */
export function parseOpenAiError(bodyText: string): VendorError | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const envelope = parsed as OpenAiErrorEnvelope;
  const { error } = envelope;
  if (typeof error === 'string') return { message: error, param: null };
  if (typeof error === 'object' && error !== null && typeof error.message === 'string')
    return { message: error.message, param: typeof error.param === 'string' ? error.param : null };
  if (typeof envelope.message === 'string')
    return { message: envelope.message, param: typeof envelope.param === 'string' ? envelope.param : null };
  if (typeof envelope.detail === 'string') return { message: envelope.detail, param: null };
  return null;
}
