import type { EmbeddedPostgres } from '@aigw/persistence';
import { startEmbeddedPostgres } from '@aigw/persistence';
import { Client } from 'pg';
import { runAdminMigrations } from './migrate';

// PGlite compiles its WASM build on start: seconds.
jest.setTimeout(60_000);

describe('runAdminMigrations on the embedded Postgres', () => {
  let pg: EmbeddedPostgres;
  beforeAll(async () => {
    pg = await startEmbeddedPostgres({ dataDir: null });
  });
  afterAll(async () => {
    await pg.close();
  });

  it('applies the pending migrations once, then reports the database up to date', async () => {
    expect(await runAdminMigrations(pg.url)).toEqual(['CreateConfigVersions1795300000000']);
    expect(await runAdminMigrations(pg.url)).toEqual([]);

    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>('SELECT name FROM admin_migrations');
      expect(rows).toEqual([{ name: 'CreateConfigVersions1795300000000' }]);
      await client.query('SELECT version, applications, recorded_at FROM config_versions');
    } finally {
      await client.end();
    }
  });
});
