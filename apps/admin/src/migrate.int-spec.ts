import type { EmbeddedPostgres } from '@aigw/persistence';
import { startEmbeddedPostgres } from '@aigw/persistence';
import { Client } from 'pg';
import { runAdminMigrations, runServiceMigrations, SERVICE_MIGRATIONS } from './migrate';

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
    expect(await runAdminMigrations(pg.url)).toEqual([
      'CreateConfigVersions1795300000000',
      'CreateConfigStore1795400000000',
    ]);
    expect(await runAdminMigrations(pg.url)).toEqual([]);

    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>('SELECT name FROM admin_migrations');
      expect(rows).toEqual([
        { name: 'CreateConfigVersions1795300000000' },
        { name: 'CreateConfigStore1795400000000' },
      ]);
      await client.query(
        'SELECT revision, version, document, parent_version, author, summary, created_at FROM config_revisions',
      );
      // Kept, unused, for an earlier admin sharing the database during a rolling upgrade.
      await client.query('SELECT version, applications, recorded_at FROM config_versions');
      const state = await client.query('SELECT active_revision, seeded_file_sha256 FROM config_state');
      expect(state.rows).toEqual([{ active_revision: null, seeded_file_sha256: null }]);
    } finally {
      await client.end();
    }
  });
});

describe('runServiceMigrations on the embedded Postgres', () => {
  let pg: EmbeddedPostgres;
  beforeAll(async () => {
    pg = await startEmbeddedPostgres({ dataDir: null });
  });
  afterAll(async () => {
    await pg.close();
  });

  it.each(SERVICE_MIGRATIONS)(
    'applies the %s service migrations once, in their own history',
    async (service) => {
      const applied = await runServiceMigrations(service, pg.url);
      expect(applied.length).toBeGreaterThan(0);
      expect(await runServiceMigrations(service, pg.url)).toEqual([]);
      const client = new Client({ connectionString: pg.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string }>(`SELECT name FROM ${service}_migrations`);
        expect(rows.map((row) => row.name)).toEqual(applied);
        if (service === 'cache') {
          // The semantic tier needs pgvector: the step creates the extension, then the table.
          const extension = await client.query("SELECT 1 FROM pg_extension WHERE extname = 'vector'");
          expect(extension.rowCount).toBe(1);
          await client.query('SELECT embedding, context_key FROM cache_entries LIMIT 0');
        }
      } finally {
        await client.end();
      }
    },
  );
});
