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

const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });

async function failure(auth: AdminAuthenticator, headers: Record<string, string>): Promise<GatewayError> {
  const error: unknown = await auth.authenticate(headers).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe('AdminAuthenticator', () => {
  const auth = new AdminAuthenticator({ apiKey: KEY, jwtSecret: SECRET });

  it('accepts the admin key', async () => {
    await expect(auth.authenticate(bearer(KEY))).resolves.toEqual({
      subject: 'admin-key',
      method: 'api-key',
    });
  });

  it('accepts a JWT with scope admin, its subject as the principal', async () => {
    const token = await jwt({ scope: 'read admin' });
    await expect(auth.authenticate(bearer(token))).resolves.toEqual({ subject: 'jwt:alice', method: 'jwt' });
    const listed = await jwt({ scope: ['admin'] }, { sub: 'bob' });
    await expect(auth.authenticate(bearer(listed))).resolves.toEqual({ subject: 'jwt:bob', method: 'jwt' });
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
