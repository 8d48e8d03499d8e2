import { arrayOf } from '../translation/openai-chat.types';
import type { VendorError } from '../upstream/upstream-outcome.mapper';
import type { GeminiErrorBody, GeminiErrorDetail } from './gemini-wire.types';

/** `google.rpc.ErrorInfo` reasons that blame our key or project, though Gemini answers them with 400. */
const ENDPOINT_FAULT_REASONS = new Set(['API_KEY_INVALID', 'API_KEY_EXPIRED', 'API_KEY_SERVICE_BLOCKED']);

/**
 * Reads a `google.rpc.Status` error (https://ai.google.dev/gemini-api/docs/troubleshooting): its
 * message, the `RetryInfo.retryDelay` a 429 `RESOURCE_EXHAUSTED` carries, and whether it blames the
 * endpoint (an invalid key, or `FAILED_PRECONDITION` such as billing or region) rather than the request.
 * Some endpoints wrap the status in a one-element array.
 */
export function parseGeminiError(bodyText: string): VendorError | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return null;
  }
  const envelope: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
  if (typeof envelope !== 'object' || envelope === null) return null;
  const error = (envelope as { error?: GeminiErrorBody }).error;
  if (typeof error !== 'object' || error === null || typeof error.message !== 'string') return null;
  const details = arrayOf(error.details);
  const retryAfterMs = retryDelayMs(details);
  const endpointFault =
    error.status === 'FAILED_PRECONDITION' ||
    details.some((d) => d.reason !== undefined && ENDPOINT_FAULT_REASONS.has(d.reason));
  return {
    message: error.message,
    param: null,
    ...(retryAfterMs === null ? {} : { retryAfterMs }),
    ...(endpointFault ? { endpointFault } : {}),
  };
}

function retryDelayMs(details: readonly GeminiErrorDetail[]): number | null {
  const info = details.find((d) => d['@type']?.endsWith('google.rpc.RetryInfo'));
  return info?.retryDelay === undefined ? null : parseDurationMs(info.retryDelay);
}

/** A protobuf `Duration` in its JSON form (`"13s"`, `"0.250s"`), in ms rounded up; null if malformed. */
export function parseDurationMs(duration: string): number | null {
  const match = /^(\d+(?:\.\d+)?)s$/.exec(duration.trim());
  return match ? Math.ceil(Number(match[1]) * 1000) : null;
}
