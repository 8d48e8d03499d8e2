/**
 * The memory service's migrations as a function, for the one-shot migrate step (`aigw migrate`, see
 * apps/admin/src/migrate.ts's sibling in deploy/docker/aigw.sh) and for specs. The service itself
 * still migrates on start (`migrationsRun`).
 */
import { parseEnv, StoreEnv } from '@aigw/config';
import { exitOnStartupError } from '@aigw/messaging';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { memoryDataSourceOptions } from './memory-data-source';

export const MigrateEnvSchema = z.object({ DATABASE_URL: StoreEnv.DATABASE_URL });

/** Applies the pending migrations and returns their names (none on an up-to-date database). */
export async function runMemoryMigrations(databaseUrl: string): Promise<string[]> {
  const dataSource = await new DataSource({
    ...memoryDataSourceOptions(databaseUrl, 'aigw-memory-migrate'),
    poolSize: 1,
    migrationsRun: false,
  }).initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

async function main(): Promise<void> {
  const env = parseEnv(MigrateEnvSchema, process.env);
  const applied = await runMemoryMigrations(env.DATABASE_URL);
  process.stdout.write(
    applied.length === 0
      ? 'memory migrations: up to date\n'
      : `memory migrations applied: ${applied.join(', ')}\n`,
  );
}

if (require.main === module) main().catch(exitOnStartupError);
