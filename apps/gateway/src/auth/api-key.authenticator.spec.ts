import type { ConfigSnapshot } from '@aigw/config';
import { LiveConfig, resolveConfig, sha256Hex } from '@aigw/config';
import type { GatewayError } from '@aigw/contracts';
import { ApiKeyAuthenticator, DIGEST_CACHE_SIZE } from './api-key.authenticator';

const KEY = 'sk-team-a-0123456789';
const auth = new ApiKeyAuthenticator({
  auth: {
    required: true,
    keys: [
      { id: 'team-a', sha256: sha256Hex(KEY), applications: new Set(['chat']), environment: 'production' },
      { id: 'ops', sha256: sha256Hex('sk-ops-key-0000000'), applications: null, environment: 'sandbox' },
    ],
    failedAttempts: { limit: 3, windowSeconds: 60 },
  },
});
const CLIENT = '203.0.113.7';

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
    expect(auth.authenticate(headers, CLIENT).keyId).toBe('team-a');
  });

  it.each([
    ['no key', {}, 'Missing API key'],
    ['an empty bearer', { authorization: 'Bearer ' }, 'Missing API key'],
    ['another scheme', { authorization: `Basic ${KEY}` }, 'Missing API key'],
    ['a wrong key', { authorization: 'Bearer sk-nope' }, 'Incorrect API key'],
  ])('rejects %s with 401', (_case, headers, message) => {
    const error = thrown(() => auth.authenticate(headers, CLIENT)) as GatewayError;
    expect([error.status, error.code]).toEqual([401, 'invalid_api_key']);
    expect(error.message).toContain(message);
  });

  it('limits a key to its applications with 403', () => {
    const consumer = auth.authenticate({ authorization: `Bearer ${KEY}` }, CLIENT);
    expect(() => auth.authorize(consumer, 'chat')).not.toThrow();
    const error = thrown(() => auth.authorize(consumer, 'embeddings')) as GatewayError;
    expect([error.status, error.code]).toEqual([403, 'application_not_allowed']);
    expect(auth.mayUse(auth.authenticate({ 'api-key': 'sk-ops-key-0000000' }, CLIENT), 'anything')).toBe(
      true,
    );
  });

  it('lets anyone in when auth is not required', () => {
    const open = new ApiKeyAuthenticator({
      auth: { required: false, keys: [], failedAttempts: { limit: 3, windowSeconds: 60 } },
    });
    expect(open.authenticate({}, CLIENT)).toEqual({
      keyId: null,
      applications: null,
      environment: 'production',
    });
  });

  it("carries the key's environment", () => {
    expect(auth.authenticate({ 'api-key': 'sk-ops-key-0000000' }, CLIENT).environment).toBe('sandbox');
    expect(auth.authenticate({ 'api-key': KEY }, CLIENT).environment).toBe('production');
  });
});

describe('ApiKeyAuthenticator against key guessing', () => {
  let now: number;
  let guarded: ApiKeyAuthenticator;
  const wrong = { authorization: 'Bearer sk-guess' };
  const right = { authorization: `Bearer ${KEY}` };
  const attempt = (headers: Record<string, string>, client = CLIENT) =>
    (thrown(() => guarded.authenticate(headers, client)) as GatewayError).status;

  beforeEach(() => {
    now = 1_000_000;
    guarded = new ApiKeyAuthenticator(
      {
        auth: {
          required: true,
          keys: [{ id: 'team-a', sha256: sha256Hex(KEY), applications: null, environment: 'production' }],
          failedAttempts: { limit: 3, windowSeconds: 60 },
        },
      },
      () => now,
    );
  });

  it('answers 401 up to the limit, then 429 with the rest of the window as retry-after', () => {
    expect([attempt(wrong), attempt(wrong), attempt(wrong)]).toEqual([401, 401, 401]);
    now += 20_000;
    const error = thrown(() => guarded.authenticate(wrong, CLIENT)) as GatewayError;
    expect([error.status, error.code, error.retryAfterMs]).toEqual([429, 'rate_limit_exceeded', 40_000]);
  });

  it('refuses even the right key from a blocked address, until the window ends', () => {
    for (let i = 0; i < 3; i++) attempt(wrong);
    expect(attempt(right)).toBe(429);
    now += 60_000;
    expect(guarded.authenticate(right, CLIENT).keyId).toBe('team-a');
  });

  it('counts each address on its own', () => {
    for (let i = 0; i < 3; i++) attempt(wrong);
    expect(guarded.authenticate(right, '198.51.100.1').keyId).toBe('team-a');
    expect(attempt(wrong, '198.51.100.1')).toBe(401);
  });

  it('does not count a missing key or a right one as a failure', () => {
    for (let i = 0; i < 5; i++) {
      expect(attempt({})).toBe(401);
      guarded.authenticate(right, CLIENT);
    }
    expect(attempt(wrong)).toBe(401);
  });
});

describe('ApiKeyAuthenticator over the live configuration', () => {
  const NEW_KEY = 'sk-created-by-the-admin-api';
  const configWith = (keys: string) =>
    resolveConfig(
      {
        auth: {
          keys: [{ id: 'old', sha256: sha256Hex(KEY) }, ...(keys ? [{ id: 'new', sha256: keys }] : [])],
        },
        applications: [{ id: 'chat', type: 'chat', endpoints: [{ id: 'main', provider: 'mock' }] }],
      },
      {},
    );
  const status = (live: ApiKeyAuthenticator, key: string, snapshot?: ConfigSnapshot) =>
    (thrown(() => live.authenticate({ authorization: `Bearer ${key}` }, CLIENT, snapshot)) as GatewayError)
      .status;

  it('authenticates a key as soon as its revision is applied, and refuses it once revoked', () => {
    const live = new LiveConfig({ revision: 1, config: configWith('') });
    const auth = new ApiKeyAuthenticator(live);
    expect(status(auth, NEW_KEY)).toBe(401);
    live.offer({ revision: 2, config: configWith(sha256Hex(NEW_KEY)) });
    expect(auth.authenticate({ authorization: `Bearer ${NEW_KEY}` }, CLIENT).keyId).toBe('new');
    const beforeRevocation = live.current;
    live.offer({ revision: 3, config: configWith('0'.repeat(64)) });
    expect(status(auth, NEW_KEY)).toBe(401);
    // A request that started before the revocation finishes with the snapshot it started with.
    expect(auth.authenticate({ authorization: `Bearer ${NEW_KEY}` }, CLIENT, beforeRevocation).keyId).toBe(
      'new',
    );
    expect(auth.authenticate({ authorization: `Bearer ${KEY}` }, CLIENT).keyId).toBe('old');
  });
});

describe('ApiKeyAuthenticator digest cache', () => {
  it('remembers only keys that authenticated, at most DIGEST_CACHE_SIZE, and still accepts evicted ones', () => {
    const keys = Array.from({ length: DIGEST_CACHE_SIZE + 1 }, (_, i) => `sk-cached-key-${i}`);
    const many = new ApiKeyAuthenticator({
      auth: {
        required: true,
        keys: keys.map((key, i) => ({
          id: `k${i}`,
          sha256: sha256Hex(key),
          applications: null,
          environment: 'production' as const,
        })),
        failedAttempts: { limit: 3, windowSeconds: 60 },
      },
    });
    const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
    thrown(() => many.authenticate(bearer('sk-wrong'), '198.51.100.1'));
    expect(many.rememberedKeys).toBe(0);
    keys.forEach((key, i) => expect(many.authenticate(bearer(key), CLIENT).keyId).toBe(`k${i}`));
    expect(many.rememberedKeys).toBe(DIGEST_CACHE_SIZE);
    // The first key was the oldest entry and left: it is hashed again, and accepted.
    expect(many.authenticate(bearer(keys[0] ?? ''), CLIENT).keyId).toBe('k0');
    expect(many.rememberedKeys).toBe(DIGEST_CACHE_SIZE);
  });
});
