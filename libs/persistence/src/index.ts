export type { EmbeddedPostgres, EmbeddedPostgresOptions } from './embedded/embedded-postgres';
export { startEmbeddedPostgres } from './embedded/embedded-postgres';
export type { TypeOrmOptionsInput } from './typeorm-options';
export { createTypeOrmOptions, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_POOL_SIZE } from './typeorm-options';
export { closeRedis, failFastRedis } from './redis/fail-fast-redis';
