import type { ResolvedEndpoint } from '@aigw/config';
import { Secret } from '@aigw/config';

/** A resolved endpoint for specs; `apiKey` is given as plain text. */
export function endpointFixture(
  overrides: Partial<Omit<ResolvedEndpoint, 'apiKey'>> & { apiKey?: string | null } = {},
): ResolvedEndpoint {
  const { apiKey = null, ...rest } = overrides;
  return {
    id: 'primary',
    provider: 'openai-compatible',
    timeoutMs: 2_000,
    priority: 0,
    // The specs' upstreams listen on loopback.
    allowPrivateNetwork: true,
    ...rest,
    apiKey: apiKey === null ? null : new Secret(apiKey),
  };
}
