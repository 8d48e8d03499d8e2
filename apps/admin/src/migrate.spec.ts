import type { DynamicModule, Provider } from '@nestjs/common';
import { TYPEORM_MODULE_OPTIONS } from '@nestjs/typeorm/dist/typeorm.constants';
import { inProcessTransport } from '@aigw/messaging';
import { AdminModule } from './admin.module';
import { adminMigrationOptions, MigrateEnvSchema, serviceDatabaseUrl } from './migrate';

const URL = 'postgres://aigw@db:5432/aigw';

/** The options AdminModule hands to TypeOrmModule.forRoot, found in its module tree. */
function moduleTypeOrmOptions(module: DynamicModule): Record<string, unknown> {
  const found: Array<Record<string, unknown>> = [];
  const visit = (node: DynamicModule): void => {
    for (const provider of (node.providers ?? []) as Array<
      Provider & { provide?: unknown; useValue?: unknown }
    >)
      if (provider.provide === TYPEORM_MODULE_OPTIONS)
        found.push(provider.useValue as Record<string, unknown>);
    for (const child of node.imports ?? []) if (child && 'module' in child) visit(child);
  };
  visit(module);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('admin migrate', () => {
  it('migrates the DataSource that AdminModule declares: same entities, migrations and history table', () => {
    const service = moduleTypeOrmOptions(
      AdminModule.forRoot({
        databaseUrl: URL,
        transport: inProcessTransport(),
        configFile: 'config/gateway.yaml',
        env: {},
        http: null,
        auth: {},
      }),
    );
    const migrate = adminMigrationOptions(URL);
    for (const key of ['type', 'url', 'name', 'entities', 'migrations', 'migrationsTableName'] as const)
      expect({ [key]: migrate[key] }).toEqual({ [key]: service[key] });
    expect(migrate.synchronize).toBe(false);
  });

  it('reads the database URL from DATABASE_URL', () => {
    expect(MigrateEnvSchema.parse({ DATABASE_URL: URL })).toEqual({ DATABASE_URL: URL });
  });

  it("migrates the cache where CACHE_DATABASE_URL points (its pgvector Postgres), else in DATABASE_URL's", () => {
    const vectors = 'postgres://aigw@vectors:5432/cache';
    const own = MigrateEnvSchema.parse({ DATABASE_URL: URL, CACHE_DATABASE_URL: vectors });
    expect([serviceDatabaseUrl('cache', own), serviceDatabaseUrl('memory', own)]).toEqual([vectors, URL]);
    const shared = MigrateEnvSchema.parse({ DATABASE_URL: URL, CACHE_DATABASE_URL: '' });
    expect(serviceDatabaseUrl('cache', shared)).toBe(URL);
  });
});
