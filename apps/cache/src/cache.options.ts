import type { GatewayConfig, LiveConfig } from '@aigw/config';
import type { JobQueues } from '@aigw/jobs';
import type { BusTransport } from '@aigw/messaging';

export interface CacheModuleOptions {
  /**
   * The configuration, kept current by the launcher's `ConfigSync`: applications' cache settings and
   * the global switch apply at once; whether the stores are opened at all, the vectorizer and the
   * sweep's schedule are decided at start.
   */
  readonly live: LiveConfig;
  readonly mode: 'embedded' | 'distributed';
  /** The semantic tier's Postgres (with pgvector); only opened when some application uses the cache. */
  readonly databaseUrl: string | null;
  /** The exact tier and the counters; null in embedded mode (in memory). */
  readonly redisUrl: string | null;
  readonly redisPrefix: string;
  readonly jobs: JobQueues;
  /** For the vectorizer application's embeddings, asked of the router. */
  readonly transport: BusTransport;
}

/** Name of the cache service's own TypeORM DataSource. */
export const CACHE_DATA_SOURCE = 'cache';

export const CACHE_OPTIONS = Symbol('CACHE_OPTIONS');
export const EXACT_STORE = Symbol('EXACT_STORE');
export const SEMANTIC_STORE = Symbol('SEMANTIC_STORE');
export const CACHE_STATS = Symbol('CACHE_STATS');
export const EMBEDDER = Symbol('EMBEDDER');

/** Whether any application is cached: otherwise the service opens neither Postgres nor Redis. */
export function cacheInUse(config: GatewayConfig): boolean {
  return (
    config.cacheSettings.cacheEnabled &&
    config.applications.some((app) => app.cacheSettings?.useCache === true)
  );
}
