import { createTypeOrmOptions, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_POOL_SIZE } from './typeorm-options';

describe('createTypeOrmOptions', () => {
  it('runs migrations at start, never synchronizes, and bounds the pool and the connect', () => {
    expect(createTypeOrmOptions({ url: 'postgres://db/x', entities: [], migrations: [] })).toEqual({
      type: 'postgres',
      url: 'postgres://db/x',
      entities: [],
      migrations: [],
      migrationsRun: true,
      migrationsTransactionMode: 'each',
      synchronize: false,
      poolSize: DEFAULT_POOL_SIZE,
      connectTimeoutMS: DEFAULT_CONNECT_TIMEOUT_MS,
    });
  });

  it('passes the per-service settings through', () => {
    expect(
      createTypeOrmOptions({
        url: 'postgres://db/x',
        entities: [],
        migrations: [],
        poolSize: 1,
        migrationsTableName: 'admin_migrations',
        name: 'admin',
        applicationName: 'aigw-admin',
        connectTimeoutMs: 250,
      }),
    ).toMatchObject({
      poolSize: 1,
      migrationsTableName: 'admin_migrations',
      name: 'admin',
      applicationName: 'aigw-admin',
      connectTimeoutMS: 250,
    });
  });
});
