import type { ApiKeyEnvironment, ConfigSnapshot, GatewayConfig, ResolvedApiKey } from '@aigw/config';
import { FailedAuthLimiter, LiveConfig } from '@aigw/config';
import { GatewayError } from '@aigw/contracts';
import { createHash, timingSafeEqual } from 'node:crypto';

/** Who is calling: the key's id (never the key itself) and the applications it may use. */
export interface Consumer {
  readonly keyId: string | null;
  readonly applications: ReadonlySet<string> | null;
  readonly environment: ApiKeyEnvironment;
}

const ANONYMOUS: Consumer = { keyId: null, applications: null, environment: 'production' };

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Gateway API keys: `Authorization: Bearer <key>` or `api-key: <key>` (Azure-style clients).
 * Keys are only ever held as SHA-256 digests; the presented key is hashed and compared in constant time.
 * A client address that keeps presenting wrong keys is refused with 429 for the rest of its window.
 * The keys are those of the live configuration: a key created through the admin API authenticates
 * as soon as its change is applied, a revoked one stops; the failed-attempt counts survive changes.
 */
export class ApiKeyAuthenticator {
  private readonly live: LiveConfig;
  private readonly keys: (snapshot?: ConfigSnapshot) => ReadonlyMap<string, ResolvedApiKey>;
  private readonly failures: FailedAuthLimiter;

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
    const digest = createHash('sha256').update(presented).digest();
    const hex = digest.toString('hex');
    const key = this.keys(snapshot).get(hex);
    if (!key || !timingSafeEqual(Buffer.from(key.sha256, 'hex'), digest)) {
      this.failures.recordFailure(clientAddress);
      throw new GatewayError('invalid_api_key', 'Incorrect API key provided.');
    }
    return { keyId: key.id, applications: key.applications, environment: key.environment };
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
