import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { createTypeOrmOptions } from '@aigw/persistence';
import { CACHE_WRITE_CONCURRENCY } from './cache-queue.worker';
import { CACHE_DATA_SOURCE } from './cache.options';
import { CreateCacheEntries1795500000000 } from './semantic/create-cache-entries.migration';

export const CACHE_MIGRATIONS = [CreateCacheEntries1795500000000];
export const CACHE_MIGRATIONS_TABLE = 'cache_migrations';

/** The cache service's DataSource: its table (and the `vector` extension) and migration history. */
export function cacheDataSourceOptions(
  databaseUrl: string,
  applicationName = 'aigw-cache',
): PostgresConnectionOptions {
  return createTypeOrmOptions({
    url: databaseUrl,
    name: CACHE_DATA_SOURCE,
    entities: [],
    migrations: CACHE_MIGRATIONS,
    migrationsTableName: CACHE_MIGRATIONS_TABLE,
    applicationName,
    // Lookups in flight, plus the writes and the sweep.
    poolSize: 8 + CACHE_WRITE_CONCURRENCY,
  });
}
