import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DataSource } from 'typeorm';
import { createTypeOrmOptions } from './typeorm-options';

/** The machine's Postgres (no pgvector there: vector features are covered on the embedded one). */
const MACHINE_URL = 'postgres://postgres@127.0.0.1:5432/test';

class CreateProbe1795300000002 implements MigrationInterface {
  name = 'CreateProbe1795300000002';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE probe (id int PRIMARY KEY, note text NOT NULL)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE probe');
  }
}

describe('createTypeOrmOptions on the machine Postgres', () => {
  const database = `aigw_persistence_${randomUUID().replace(/-/g, '')}`;
  const url = MACHINE_URL.replace(/\/test$/, `/${database}`);
  const admin = new Client({ connectionString: MACHINE_URL });

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
  });
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('connects and runs the migrations once, in the given history table', async () => {
    const options = createTypeOrmOptions({
      url,
      entities: [],
      migrations: [CreateProbe1795300000002],
      migrationsTableName: 'probe_migrations',
      poolSize: 2,
    });
    for (let start = 0; start < 2; start++) {
      const ds = await new DataSource(options).initialize();
      try {
        await ds.query('INSERT INTO probe (id, note) VALUES ($1, $2)', [start, `start ${start}`]);
        const history = await ds.query<Array<{ name: string }>>('SELECT name FROM probe_migrations');
        expect(history).toEqual([{ name: 'CreateProbe1795300000002' }]);
      } finally {
        await ds.destroy();
      }
    }
  });

  it('fails fast when the server is unreachable', async () => {
    const options = createTypeOrmOptions({
      url: 'postgres://postgres@127.0.0.1:1/none',
      entities: [],
      migrations: [],
      connectTimeoutMs: 500,
    });
    await expect(new DataSource(options).initialize()).rejects.toThrow(/ECONNREFUSED|timeout/);
  });
});
