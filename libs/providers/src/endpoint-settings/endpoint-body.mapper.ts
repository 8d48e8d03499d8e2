import type { ResolvedEndpoint } from '@aigw/config';

export type EndpointOptions = NonNullable<ResolvedEndpoint['options']>;

/**
 * A `max_tokens` limit under the endpoint's cap: the smaller of the two, or the cap when the client set
 * none. Without a cap, the client's value (or null).
 */
export function cappedMaxTokens(requested: number | null, cap: number | undefined): number | null {
  if (cap === undefined) return requested;
  return requested === null ? cap : Math.min(requested, cap);
}

/**
 * Deep-merges the endpoint's `options` into a body bound upstream: objects merge key by key, anything
 * else (arrays included) is replaced by the option. The body is not mutated.
 */
export function mergeEndpointOptions(
  body: Record<string, unknown>,
  options: EndpointOptions | undefined,
): Record<string, unknown> {
  if (options === undefined) return body;
  return mergeDeep(body, options);
}

function mergeDeep(
  target: Readonly<Record<string, unknown>>,
  source: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(source)) {
    const current = Object.hasOwn(out, key) ? out[key] : undefined;
    const merged = isPlainObject(current) && isPlainObject(value) ? mergeDeep(current, value) : value;
    // Defined, not assigned: a `__proto__` key stays a plain field.
    Object.defineProperty(out, key, { value: merged, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
