import { GatewayError } from '@aigw/contracts';
import { SignJWT } from 'jose';
import { AdminAuthenticator } from './admin.authenticator';

const KEY = 'sk-admin-0123456789abcdef';
const SECRET = 'a-jwt-secret-of-at-least-32-characters!';

async function jwt(
  claims: Record<string, unknown>,
  options: { secret?: string; alg?: string; exp?: number | string | null; sub?: string | null } = {},
): Promise<string> {
  let token = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'HS256' }).setIssuedAt();
  if (options.sub !== null) token = token.setSubject(options.sub ?? 'alice');
  if (options.exp !== null) token = token.setExpirationTime(options.exp ?? '5m');
  return token.sign(new TextEncoder().encode(options.secret ?? SECRET));
}

const CLIENT = '203.0.113.7';

const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });

async function failure(auth: AdminAuthenticator, headers: Record<string, string>): Promise<GatewayError> {
  const error: unknown = await auth.authenticate(headers, CLIENT).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe('AdminAuthenticator', () => {
  // Far from the failed-attempt limit: these cases are about each credential (the limit has its own).
  const auth = new AdminAuthenticator({
    apiKey: KEY,
    jwtSecret: SECRET,
    failedAttempts: { limit: 1_000, windowSeconds: 60 },
  });

  it('accepts the admin key', async () => {
    await expect(auth.authenticate(bearer(KEY), CLIENT)).resolves.toEqual({
      subject: 'admin-key',
      method: 'api-key',
    });
  });

  it('accepts a JWT with scope admin, its subject as the principal', async () => {
    const token = await jwt({ scope: 'read admin' });
    await expect(auth.authenticate(bearer(token), CLIENT)).resolves.toEqual({
      subject: 'jwt:alice',
      method: 'jwt',
    });
    const listed = await jwt({ scope: ['admin'] }, { sub: 'bob' });
    await expect(auth.authenticate(bearer(listed), CLIENT)).resolves.toEqual({
      subject: 'jwt:bob',
      method: 'jwt',
    });
  });

  it.each([
    ['no Authorization header', async () => ({})],
    ['another scheme', async () => ({ authorization: `Basic ${KEY}` })],
    ['a wrong key', async () => bearer(`${KEY}x`)],
    [
      'a JWT signed with another secret',
      async () => bearer(await jwt({ scope: 'admin' }, { secret: `${SECRET}-other` })),
    ],
    [
      'an expired JWT',
      async () => bearer(await jwt({ scope: 'admin' }, { exp: Math.floor(Date.now() / 1000) - 60 })),
    ],
    ['a JWT without exp', async () => bearer(await jwt({ scope: 'admin' }, { exp: null }))],
    ['a JWT without sub', async () => bearer(await jwt({ scope: 'admin' }, { sub: null }))],
    ['a JWT signed with HS512', async () => bearer(await jwt({ scope: 'admin' }, { alg: 'HS512' }))],
    [
      'an unsigned JWT (alg none)',
      async () =>
        bearer(
          `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(`{"sub":"x","scope":"admin","exp":${Math.floor(Date.now() / 1000) + 60}}`).toString('base64url')}.x`,
        ),
    ],
  ])('refuses %s with 401', async (_label, headers) => {
    const error = await failure(auth, await headers());
    expect([error.status, error.code]).toEqual([401, 'invalid_api_key']);
  });

  it('refuses a valid JWT without the admin scope with 403', async () => {
    const error = await failure(auth, bearer(await jwt({ scope: 'read write' })));
    expect([error.status, error.code]).toEqual([403, 'admin_forbidden']);
  });

  it('refuses everything when no credential is configured', async () => {
    const none = new AdminAuthenticator({});
    expect(none.configured).toBe(false);
    expect((await failure(none, bearer(KEY))).status).toBe(401);
    expect(none.matchesKey('')).toBe(false);
  });

  it('compares path keys (the ganrad /reconfig/{key}) by digest', () => {
    expect(auth.matchesKey(KEY)).toBe(true);
    expect(auth.matchesKey(KEY.slice(0, -1))).toBe(false);
  });

  it('never puts the presented credential in its error messages', async () => {
    const error = await failure(auth, bearer('sk-wrong-guess-123456'));
    expect(error.message).not.toContain('sk-wrong-guess');
  });
});

describe('AdminAuthenticator: repeated failures from one client', () => {
  let now: number;
  let auth: AdminAuthenticator;
  const status = (headers: Record<string, string>, client = CLIENT) =>
    auth.authenticate(headers, client).then(
      () => 200,
      (error: GatewayError) => error.status,
    );

  beforeEach(() => {
    now = 1_000_000;
    auth = new AdminAuthenticator(
      { apiKey: KEY, jwtSecret: SECRET, failedAttempts: { limit: 3, windowSeconds: 60 } },
      () => now,
    );
  });

  it('answers 429 (with retry-after) once a client sent `limit` wrong keys or tokens, the right key included', async () => {
    expect(await status(bearer('sk-guess-1-0123456789'))).toBe(401);
    expect(await status(bearer(await jwt({ scope: 'admin' }, { secret: 'x'.repeat(40) })))).toBe(401);
    expect(await status(bearer('sk-guess-3-0123456789'))).toBe(401);
    expect(await status(bearer(KEY))).toBe(429);
    const refused = (await auth.authenticate(bearer(KEY), CLIENT).catch((e: unknown) => e)) as GatewayError;
    expect(refused.code).toBe('rate_limit_exceeded');
    expect(refused.retryAfterMs).toBe(60_000);
    // Another client is not concerned; the window ends and the right key works again.
    expect(await status(bearer(KEY), '198.51.100.1')).toBe(200);
    now += 60_000;
    expect(await status(bearer(KEY))).toBe(200);
  });

  it('does not count missing credentials nor a valid token without the admin scope', async () => {
    const unscoped = bearer(await jwt({ scope: 'read' }));
    for (let i = 0; i < 5; i++) {
      expect(await status({})).toBe(401);
      expect(await status(unscoped)).toBe(403);
    }
    expect(await status(bearer(KEY))).toBe(200);
  });

  it('counts wrong path keys of the ganrad /reconfig/{key} route too', async () => {
    for (let i = 0; i < 3; i++) expect(() => auth.checkKey('sk-wrong', CLIENT)).toThrow('Incorrect');
    expect(() => auth.checkKey(KEY, CLIENT)).toThrow('Too many requests');
    expect(await status(bearer(KEY))).toBe(429);
  });
});
