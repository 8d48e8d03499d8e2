/**
 * `node dist/apps/admin/src/migrate.js` (`aigw migrate` in the container image): applies the admin
 * service's pending migrations and exits, so the schema is migrated once before the services start
 * (the docker compose `migrate` service, the Kubernetes migration Job). The service itself still
 * migrates on start (`migrationsRun`), so this step orders the work; it is not required for it.
 */
import { parseEnv, StoreEnv } from '@aigw/config';
import { exitOnStartupError } from '@aigw/messaging';
import { createTypeOrmOptions } from '@aigw/persistence';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { z } from 'zod';
import { ADMIN_DATA_SOURCE } from './admin-data-source';
import { ADMIN_MIGRATIONS } from './admin-migrations';

export const MigrateEnvSchema = z.object({
  DATABASE_URL: StoreEnv.DATABASE_URL,
  /** The cache's pgvector Postgres, when it is not DATABASE_URL's (see apps/cache/src/env.schema.ts). */
  CACHE_DATABASE_URL: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string().min(1).optional(),
  ),
});
export type MigrateEnv = z.infer<typeof MigrateEnvSchema>;

/**
 * The admin DataSource as AdminModule declares it (entities, migrations, history table); migrate.spec.ts
 * fails when the two drift apart.
 */
export function adminMigrationOptions(databaseUrl: string): PostgresConnectionOptions {
  return {
    ...createTypeOrmOptions({
      url: databaseUrl,
      name: ADMIN_DATA_SOURCE,
      entities: [],
      migrations: ADMIN_MIGRATIONS,
      migrationsTableName: 'admin_migrations',
      applicationName: 'aigw-admin-migrate',
      poolSize: 1,
    }),
    // Run explicitly below, to report which ones ran.
    migrationsRun: false,
  };
}

/** Applies the pending migrations and returns their names (none on an up-to-date database). */
export async function runAdminMigrations(databaseUrl: string): Promise<string[]> {
  const dataSource = await new DataSource(adminMigrationOptions(databaseUrl)).initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * The services whose tables this step migrates besides the admin's: each exports
 * `run<Service>Migrations(databaseUrl)` from `apps/<service>/src/migrate`, loaded by name at run time
 * (apps never import apps), as the embedded launcher loads the services' definitions.
 */
export const SERVICE_MIGRATIONS = ['memory', 'cache'] as const;

/** Where each service's tables live: the cache's may be a pgvector Postgres of its own. */
export function serviceDatabaseUrl(service: (typeof SERVICE_MIGRATIONS)[number], env: MigrateEnv): string {
  return service === 'cache' ? (env.CACHE_DATABASE_URL ?? env.DATABASE_URL) : env.DATABASE_URL;
}

type MigrationsRunner = (databaseUrl: string) => Promise<string[]>;

export async function runServiceMigrations(
  service: (typeof SERVICE_MIGRATIONS)[number],
  databaseUrl: string,
): Promise<string[]> {
  const name = `run${service[0]?.toUpperCase() ?? ''}${service.slice(1)}Migrations`;
  const entry = (await import(join(__dirname, '..', '..', service, 'src', 'migrate'))) as Record<
    string,
    MigrationsRunner | undefined
  >;
  const run = entry[name];
  if (run === undefined) throw new Error(`apps/${service}/src/migrate exports no ${name}`);
  return run(databaseUrl);
}

async function main(): Promise<void> {
  const env = parseEnv(MigrateEnvSchema, process.env);
  const report = (service: string, applied: string[]) =>
    process.stdout.write(
      applied.length === 0
        ? `${service} migrations: up to date\n`
        : `${service} migrations applied: ${applied.join(', ')}\n`,
    );
  report('admin', await runAdminMigrations(env.DATABASE_URL));
  for (const service of SERVICE_MIGRATIONS)
    report(service, await runServiceMigrations(service, serviceDatabaseUrl(service, env)));
}

if (require.main === module) main().catch(exitOnStartupError);
