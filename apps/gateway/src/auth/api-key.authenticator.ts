import type { ApiKeyEnvironment, ConfigSnapshot, GatewayConfig, ResolvedApiKey } from '@aigw/config';
import { FailedAuthLimiter, LiveConfig } from '@aigw/config';
import { GatewayError } from '@aigw/contracts';
import { createHash } from 'node:crypto';

/** Who is calling: the key's id (never the key itself) and the applications it may use. */
export interface Consumer {
  readonly keyId: string | null;
  readonly applications: ReadonlySet<string> | null;
  readonly environment: ApiKeyEnvironment;
}

const ANONYMOUS: Consumer = { keyId: null, applications: null, environment: 'production' };

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** Presented keys whose digests are remembered: enough for every key a deployment uses at once. */
export const DIGEST_CACHE_SIZE = 1024;

/**
 * Gateway API keys: `Authorization: Bearer <key>` or `api-key: <key>` (Azure-style clients).
 * Keys are configured only as SHA-256 digests; a presented key is found by its digest (a digest's bytes
 * cannot be steered by a caller, so the lookup leaks nothing useful about a stored key). The digests of
 * keys that authenticated are remembered (at most `DIGEST_CACHE_SIZE`), so a busy key is not hashed
 * on every request; whether the key is still valid is looked up in the request's configuration.
 * A client address that keeps presenting wrong keys is refused with 429 for the rest of its window.
 * The keys are those of the live configuration: a key created through the admin API authenticates
 * as soon as its change is applied, a revoked one stops; the failed-attempt counts survive changes.
 */
export class ApiKeyAuthenticator {
  private readonly live: LiveConfig;
  private readonly keys: (snapshot?: ConfigSnapshot) => ReadonlyMap<string, ResolvedApiKey>;
  private readonly failures: FailedAuthLimiter;
  /** Presented key → its hex SHA-256, for keys that authenticated; the oldest entry leaves first. */
  private readonly digests = new Map<string, string>();

  /** `source`: the live configuration, or a fixed one (specs). */
  constructor(source: LiveConfig | Pick<GatewayConfig, 'auth'>, now: () => number = Date.now) {
    // A fixed configuration is a live one that never changes; only its `auth` is read.
    this.live = source instanceof LiveConfig ? source : LiveConfig.fromFile(source as GatewayConfig);
    this.keys = this.live.derive((config) => new Map(config.auth.keys.map((key) => [key.sha256, key])));
    this.failures = new FailedAuthLimiter(() => this.live.config.auth.failedAttempts, now);
  }

  /**
   * `clientAddress`: the caller's IP, for the failed-attempt limit. `snapshot`: the configuration the
   * request is served with (the current one by default).
   */
  authenticate(
    headers: Headers,
    clientAddress: string,
    snapshot: ConfigSnapshot = this.live.current,
  ): Consumer {
    const presented = presentedKey(headers);
    if (presented === null) {
      if (!snapshot.config.auth.required) return ANONYMOUS;
      throw new GatewayError(
        'invalid_api_key',
        'Missing API key. Send it as "Authorization: Bearer <key>" or in the "api-key" header.',
      );
    }
    const blockedMs = this.failures.blockedForMs(clientAddress);
    if (blockedMs > 0)
      throw new GatewayError(
        'rate_limit_exceeded',
        `Too many requests with an incorrect API key from this client; retry in ${Math.ceil(blockedMs / 1000)} s.`,
        { retryAfterMs: blockedMs },
      );
    const remembered = this.digests.get(presented);
    const hex = remembered ?? createHash('sha256').update(presented).digest('hex');
    const key = this.keys(snapshot).get(hex);
    if (!key) {
      if (remembered !== undefined) this.digests.delete(presented);
      this.failures.recordFailure(clientAddress);
      throw new GatewayError('invalid_api_key', 'Incorrect API key provided.');
    }
    if (remembered === undefined) this.remember(presented, hex);
    return { keyId: key.id, applications: key.applications, environment: key.environment };
  }

  /** How many presented keys have their digest remembered. */
  get rememberedKeys(): number {
    return this.digests.size;
  }

  private remember(presented: string, hex: string): void {
    if (this.digests.size >= DIGEST_CACHE_SIZE) {
      const oldest = this.digests.keys().next();
      if (oldest.done !== true) this.digests.delete(oldest.value);
    }
    this.digests.set(presented, hex);
  }

  authorize(consumer: Consumer, applicationId: string): void {
    if (consumer.applications !== null && !consumer.applications.has(applicationId)) {
      throw new GatewayError(
        'application_not_allowed',
        `This API key may not use the model "${applicationId}".`,
        {
          param: 'model',
        },
      );
    }
  }

  mayUse(consumer: Consumer, applicationId: string): boolean {
    return consumer.applications === null || consumer.applications.has(applicationId);
  }
}

function presentedKey(headers: Headers): string | null {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match?.[1]) return match[1].trim();
  }
  const apiKey = headers['api-key'];
  if (typeof apiKey === 'string' && apiKey.trim()) return apiKey.trim();
  return null;
}
