import { generateApiKey, sha256Hex } from '@aigw/config';
import type { JsonObject } from '../config-store/config-revision';

/**
 * The digest a revoked consumer holds: no key hashes to it (finding one would break SHA-256), so the
 * consumer keeps its settings and no client can authenticate as it until a new key is generated.
 * (The schema requires every `auth.keys` entry to have one credential.)
 */
export const REVOKED_SHA256 = '0'.repeat(64);

/** How a consumer authenticates, as the API shows it: never the key, nor its full digest. */
export type Credential =
  | { readonly kind: 'key'; readonly fingerprint: string }
  | { readonly kind: 'env'; readonly env: string }
  | { readonly kind: 'revoked' };

export interface NewKey {
  /** Shown once, in the response that created it; stored nowhere. */
  readonly key: string;
  readonly sha256: string;
}

export function newKey(): NewKey {
  const key = generateApiKey();
  return { key, sha256: sha256Hex(key) };
}

/** The entry with its key material in place: a new digest, no `env`. */
export function withKey(entry: JsonObject, sha256: string): JsonObject {
  const { env: _env, sha256: _old, ...rest } = entry;
  return { ...rest, sha256 };
}

/** A consumer (an `auth.keys` entry) as the API returns it: the digest replaced by a credential summary. */
export function consumerView(entry: JsonObject): JsonObject {
  const { sha256, ...rest } = entry;
  const credential: Credential =
    typeof sha256 === 'string'
      ? sha256 === REVOKED_SHA256
        ? { kind: 'revoked' }
        : { kind: 'key', fingerprint: sha256.slice(0, 8) }
      : { kind: 'env', env: String(entry.env) };
  return { ...rest, credential };
}
