import type { ResolvedEndpoint } from '@aigw/config';

/** How a provider expects its key: header name (lower case) and scheme (empty for the raw key). */
export interface AuthConvention {
  readonly header: string;
  readonly scheme: string;
}

export const BEARER_AUTH: AuthConvention = { header: 'authorization', scheme: 'Bearer' };

export type EndpointAuthSettings = Pick<ResolvedEndpoint, 'apiKey' | 'authHeader' | 'authScheme'>;

/**
 * The header carrying the endpoint's key: the provider's convention unless the endpoint overrides the
 * header name (`authHeader`) or the scheme (`authScheme`). A custom header without a scheme gets the raw
 * key, except `authorization`, which gets `Bearer`. No key, no header.
 */
export function endpointAuthHeaders(
  endpoint: EndpointAuthSettings,
  convention: AuthConvention,
): Record<string, string> {
  const key = endpoint.apiKey?.reveal();
  if (!key) return {};
  const header = endpoint.authHeader?.toLowerCase() ?? convention.header;
  const defaultScheme =
    endpoint.authHeader === undefined ? convention.scheme : header === 'authorization' ? 'Bearer' : '';
  const scheme = endpoint.authScheme ?? defaultScheme;
  return { [header]: scheme ? `${scheme} ${key}` : key };
}
