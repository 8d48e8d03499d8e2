import type { JsonObject } from './config-revision';
import { isJsonObject } from './config-revision';

/**
 * JSON Merge Patch (RFC 7396; it obsoletes RFC 7386): objects merge key by key, `null` removes a key,
 * anything else (arrays included) replaces the target. Returns a new value; the inputs are unchanged.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return patch;
  const result: JsonObject = {};
  if (isJsonObject(target)) for (const [key, value] of Object.entries(target)) define(result, key, value);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else define(result, key, applyMergePatch(result[key], value));
  }
  return result;
}

/** An own property even for `__proto__` (a JSON key like any other), never the object's prototype. */
function define(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
