import { Secret } from '@aigw/config';
import type { AuthConvention, EndpointAuthSettings } from './endpoint-auth.mapper';
import { BEARER_AUTH, endpointAuthHeaders } from './endpoint-auth.mapper';

const RAW_X_API_KEY: AuthConvention = { header: 'x-api-key', scheme: '' };

describe('endpointAuthHeaders', () => {
  it.each<[string, Omit<EndpointAuthSettings, 'apiKey'>, AuthConvention, Record<string, string>]>([
    ['the provider convention: bearer', {}, BEARER_AUTH, { authorization: 'Bearer k' }],
    ['the provider convention: raw key', {}, RAW_X_API_KEY, { 'x-api-key': 'k' }],
    ['another header gets the raw key', { authHeader: 'X-Api-Key' }, BEARER_AUTH, { 'x-api-key': 'k' }],
    [
      'authorization gets Bearer',
      { authHeader: 'Authorization' },
      RAW_X_API_KEY,
      { authorization: 'Bearer k' },
    ],
    [
      'a custom scheme on the default header',
      { authScheme: 'Token' },
      BEARER_AUTH,
      { authorization: 'Token k' },
    ],
    ['an empty scheme: the raw key', { authScheme: '' }, BEARER_AUTH, { authorization: 'k' }],
    [
      'both overridden',
      { authHeader: 'Proxy-Authorization', authScheme: 'Basic' },
      BEARER_AUTH,
      { 'proxy-authorization': 'Basic k' },
    ],
  ])('%s', (_name, overrides, convention, expected) => {
    expect(endpointAuthHeaders({ apiKey: new Secret('k'), ...overrides }, convention)).toEqual(expected);
  });

  it.each([null, new Secret('')])('sends no header without a key (%p)', (apiKey) => {
    expect(endpointAuthHeaders({ apiKey, authHeader: 'x-key' }, BEARER_AUTH)).toEqual({});
  });
});
