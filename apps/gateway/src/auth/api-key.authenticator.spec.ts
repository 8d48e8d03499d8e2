import { sha256Hex } from '@aigw/config';
import type { GatewayError } from '@aigw/contracts';
import { ApiKeyAuthenticator } from './api-key.authenticator';

const KEY = 'sk-team-a-0123456789';
const auth = new ApiKeyAuthenticator({
  auth: {
    required: true,
    keys: [
      { id: 'team-a', sha256: sha256Hex(KEY), applications: new Set(['chat']) },
      { id: 'ops', sha256: sha256Hex('sk-ops-key-0000000'), applications: null },
    ],
  },
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('ApiKeyAuthenticator', () => {
  it.each([
    ['a bearer token', { authorization: `Bearer ${KEY}` }],
    ['a lower-case scheme', { authorization: `bearer ${KEY}` }],
    ['an Azure api-key header', { 'api-key': KEY }],
  ])('accepts %s', (_case, headers) => {
    expect(auth.authenticate(headers).keyId).toBe('team-a');
  });

  it.each([
    ['no key', {}, 'Missing API key'],
    ['an empty bearer', { authorization: 'Bearer ' }, 'Missing API key'],
    ['another scheme', { authorization: `Basic ${KEY}` }, 'Missing API key'],
    ['a wrong key', { authorization: 'Bearer sk-nope' }, 'Incorrect API key'],
  ])('rejects %s with 401', (_case, headers, message) => {
    const error = thrown(() => auth.authenticate(headers)) as GatewayError;
    expect([error.status, error.code]).toEqual([401, 'invalid_api_key']);
    expect(error.message).toContain(message);
  });

  it('limits a key to its applications with 403', () => {
    const consumer = auth.authenticate({ authorization: `Bearer ${KEY}` });
    expect(() => auth.authorize(consumer, 'chat')).not.toThrow();
    const error = thrown(() => auth.authorize(consumer, 'embeddings')) as GatewayError;
    expect([error.status, error.code]).toEqual([403, 'application_not_allowed']);
    expect(auth.mayUse(auth.authenticate({ 'api-key': 'sk-ops-key-0000000' }), 'anything')).toBe(true);
  });

  it('lets anyone in when auth is not required', () => {
    const open = new ApiKeyAuthenticator({ auth: { required: false, keys: [] } });
    expect(open.authenticate({})).toEqual({ keyId: null, applications: null });
  });
});
