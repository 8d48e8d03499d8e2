import { createHash } from 'node:crypto';
import type { HashOn, ResolvedApplication } from '@aigw/config';

/** What of an HTTP request the hash key may be taken from. */
export interface HashSource {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly ip: string;
  readonly url: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly consumerId: string | null;
}

/**
 * The caller's identity for a `consistent-hash` application (APISIX `hash_on` + `key`), or null when the
 * request lacks it (the router then balances by weight). Only a digest crosses the bus: a header may be
 * a secret, and the router needs nothing but a stable value.
 */
export function routingHashKey(app: ResolvedApplication, source: HashSource): string | null {
  const hashOn = app.routing?.hashOn;
  if (app.routing?.strategy !== 'consistent-hash' || hashOn === undefined) return null;
  const value = rawValue(hashOn, source);
  if (value === null || value === '') return null;
  return createHash('sha256').update(value).digest('base64url').slice(0, 22);
}

function rawValue(hashOn: HashOn, source: HashSource): string | null {
  if (hashOn.type === 'consumer') return source.consumerId;
  const key = hashOn.key ?? '';
  if (hashOn.type === 'header') {
    const value = source.headers[key.toLowerCase()];
    return Array.isArray(value) ? value.join(',') : (value ?? null);
  }
  if (key === 'remote_addr') return source.ip;
  if (key === 'uri') return source.url.split('?')[0] ?? '';
  if (key === 'user') return typeof source.body.user === 'string' ? source.body.user : null;
  if (key.startsWith('arg_')) {
    const query = source.url.includes('?') ? source.url.slice(source.url.indexOf('?') + 1) : '';
    return new URLSearchParams(query).get(key.slice('arg_'.length));
  }
  return null;
}
