import type { DataSourceOptions } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

export interface TypeOrmOptionsInput {
  /** A Postgres URL: the machine's server, or `EmbeddedPostgres.url`. */
  readonly url: string;
  readonly entities: NonNullable<DataSourceOptions['entities']>;
  /** Hand-written migration classes of the owning service; they run on every start. */
  readonly migrations: NonNullable<DataSourceOptions['migrations']>;
  /** Connections in the pool. Defaults to 4. */
  readonly poolSize?: number;
  /**
   * Several services share one database in embedded mode, each with its own migrations: give each
   * its own history table (e.g. `admin_migrations`). Defaults to TypeORM's `migrations`.
   */
  readonly migrationsTableName?: string;
  /** DataSource name; also Nest's injection token suffix (`@InjectDataSource(name)`). */
  readonly name?: string;
  /** Shown in `pg_stat_activity`. */
  readonly applicationName?: string;
  /** Defaults to 5 s: a missing database fails a start quickly instead of hanging it. */
  readonly connectTimeoutMs?: number;
}

export const DEFAULT_POOL_SIZE = 4;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** TypeORM options for a service's own Postgres tables: migrations run at start, never `synchronize`. */
export function createTypeOrmOptions(input: TypeOrmOptionsInput): PostgresConnectionOptions {
  return {
    type: 'postgres',
    url: input.url,
    entities: input.entities,
    migrations: input.migrations,
    migrationsRun: true,
    // One transaction per migration: a failure keeps the ones before it.
    migrationsTransactionMode: 'each',
    synchronize: false,
    poolSize: input.poolSize ?? DEFAULT_POOL_SIZE,
    connectTimeoutMS: input.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    ...(input.migrationsTableName === undefined ? {} : { migrationsTableName: input.migrationsTableName }),
    ...(input.name === undefined ? {} : { name: input.name }),
    ...(input.applicationName === undefined ? {} : { applicationName: input.applicationName }),
  };
}
