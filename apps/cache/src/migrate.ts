/**
 * The cache service's migrations as a function, for the one-shot migrate step (`aigw migrate`: the
 * compose `migrate` service, the Kubernetes migration Job) and for specs: the `vector` extension
 * (pgvector) and the semantic tier's table and indexes. The service itself still migrates on start
 * (`migrationsRun`) when an application is cached.
 */
import { DataSource } from 'typeorm';
import { cacheDataSourceOptions } from './cache-data-source';

/** Applies the pending migrations and returns their names (none on an up-to-date database). */
export async function runCacheMigrations(databaseUrl: string): Promise<string[]> {
  const dataSource = await new DataSource({
    ...cacheDataSourceOptions(databaseUrl, 'aigw-cache-migrate'),
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
