import type { FailedAuthPolicy } from '@aigw/config';
import { FailedAuthLimiter } from '@aigw/config';
import { GatewayError } from '@aigw/contracts';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { errors as joseErrors, jwtVerify } from 'jose';

/** Who makes an admin change: recorded as the author of the versions it creates. */
export interface AdminPrincipal {
  readonly subject: string;
  readonly method: 'api-key' | 'jwt';
}

export interface AdminAuthOptions {
  /** The admin key (`ADMIN_API_KEY`); only its SHA-256 is kept. */
  readonly apiKey?: string | undefined;
  /** HS256 secret of admin JWTs (`ADMIN_JWT_SECRET`). */
  readonly jwtSecret?: string | undefined;
  /** Wrong credentials one client address may present per window, then 429 (default 10 per 60 s). */
  readonly failedAttempts?: FailedAuthPolicy;
}

export const DEFAULT_ADMIN_FAILED_ATTEMPTS: FailedAuthPolicy = { limit: 10, windowSeconds: 60 };

/** The scope an admin JWT must carry (`scope: "admin …"` or `scope: ["admin", …]`). */
export const ADMIN_SCOPE = 'admin';
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Admin API credentials, `Authorization: Bearer <credential>`: the admin key, compared as SHA-256
 * digests in constant time, or a JWT signed with HS256 (claims `sub`, `exp` and scope `admin`).
 * No credential configured means every request is refused. A client address that keeps presenting
 * wrong credentials (keys, or tokens that fail verification) is refused with 429 until its window
 * ends, a right credential included, as at the gateway.
 */
export class AdminAuthenticator {
  readonly #keyDigest: Buffer | null;
  readonly #jwtSecret: Uint8Array | null;
  readonly #failures: FailedAuthLimiter;

  constructor(options: AdminAuthOptions, now: () => number = Date.now) {
    this.#keyDigest = options.apiKey ? digest(options.apiKey) : null;
    this.#jwtSecret = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : null;
    this.#failures = new FailedAuthLimiter(options.failedAttempts ?? DEFAULT_ADMIN_FAILED_ATTEMPTS, now);
  }

  get configured(): boolean {
    return this.#keyDigest !== null || this.#jwtSecret !== null;
  }

  /** `clientAddress`: the caller's IP, for the failed-attempt limit. */
  async authenticate(headers: Headers, clientAddress: string): Promise<AdminPrincipal> {
    const credential = bearer(headers.authorization);
    if (credential === null)
      throw new GatewayError(
        'invalid_api_key',
        'Missing admin credential. Send "Authorization: Bearer <admin key or JWT>".',
      );
    this.refuseIfBlocked(clientAddress);
    if (this.matchesKey(credential)) return { subject: 'admin-key', method: 'api-key' };
    try {
      if (this.#jwtSecret !== null && JWT_SHAPE.test(credential))
        return await this.verifyJwt(credential, this.#jwtSecret);
    } catch (error) {
      // A valid token without the admin scope is not a failed authentication.
      if (error instanceof GatewayError && error.code === 'invalid_api_key')
        this.#failures.recordFailure(clientAddress);
      throw error;
    }
    this.#failures.recordFailure(clientAddress);
    throw new GatewayError('invalid_api_key', 'Incorrect admin credential.');
  }

  /** The ganrad `/reconfig/{key}` route carries the key in its path: the same limit applies. */
  checkKey(presented: string, clientAddress: string): void {
    this.refuseIfBlocked(clientAddress);
    if (this.matchesKey(presented)) return;
    this.#failures.recordFailure(clientAddress);
    throw new GatewayError('invalid_api_key', 'Incorrect gateway key.');
  }

  matchesKey(presented: string): boolean {
    if (this.#keyDigest === null) return false;
    return timingSafeEqual(this.#keyDigest, digest(presented));
  }

  private refuseIfBlocked(clientAddress: string): void {
    const blockedMs = this.#failures.blockedForMs(clientAddress);
    if (blockedMs > 0)
      throw new GatewayError(
        'rate_limit_exceeded',
        `Too many requests with an incorrect admin credential from this client; retry in ${Math.ceil(blockedMs / 1000)} s.`,
        { retryAfterMs: blockedMs },
      );
  }

  private async verifyJwt(token: string, secret: Uint8Array): Promise<AdminPrincipal> {
    let payload: JWTPayload;
    try {
      const verified = await jwtVerify(token, secret, {
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'exp'],
      });
      payload = verified.payload;
    } catch (error: unknown) {
      const expired = error instanceof joseErrors.JWTExpired;
      throw new GatewayError(
        'invalid_api_key',
        expired ? 'The admin token has expired.' : 'Invalid admin token.',
      );
    }
    const scope: unknown = payload.scope;
    const scopes = typeof scope === 'string' ? scope.split(' ') : Array.isArray(scope) ? scope : [];
    if (!scopes.includes(ADMIN_SCOPE))
      throw new GatewayError('admin_forbidden', `The token does not carry the "${ADMIN_SCOPE}" scope.`);
    return { subject: `jwt:${payload.sub ?? ''}`, method: 'jwt' };
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function bearer(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
  return match?.[1] ?? null;
}
