import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { GatewayConfig } from '@aigw/config';
import { resolveConfig } from '@aigw/config';
import { ConfigVersionReplySchema } from '@aigw/contracts';
import type { EmbeddedPostgres } from '@aigw/persistence';
import { startEmbeddedPostgres } from '@aigw/persistence';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { ADMIN_DATA_SOURCE } from './admin-data-source';
import { AdminModule } from './admin.module';
import { ConfigVersionsMessagesController } from './config-versions/config-versions.messages.controller';

// Each boot on the embedded Postgres starts PGlite, which compiles its WASM build: seconds.
jest.setTimeout(60_000);

const MACHINE_URL = 'postgres://postgres@127.0.0.1:5432/test';

const config: GatewayConfig = resolveConfig(
  {
    auth: { required: false },
    applications: [{ id: 'chat', type: 'chat', endpoints: [{ id: 'mock', provider: 'mock' }] }],
  },
  {},
);

interface Database {
  readonly url: string;
  drop(): Promise<void>;
}

/** The embedded PGlite server, in memory. */
async function embeddedDatabase(): Promise<Database> {
  const pg: EmbeddedPostgres = await startEmbeddedPostgres({ dataDir: null });
  return { url: pg.url, drop: () => pg.close() };
}

/** A database of its own on the machine's Postgres, dropped at the end. */
async function machineDatabase(): Promise<Database> {
  const name = `aigw_admin_${randomUUID().replace(/-/g, '')}`;
  const admin = new Client({ connectionString: MACHINE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  return {
    url: MACHINE_URL.replace(/\/test$/, `/${name}`),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

describe.each([
  ['the embedded Postgres', embeddedDatabase],
  ['the machine Postgres', machineDatabase],
])('AdminModule on %s', (_label, openDatabase) => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  const boot = async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AdminModule.forRoot({ config, databaseUrl: database.url })],
    }).compile();
    await moduleRef.init(); // runs the migrations, then onApplicationBootstrap
    return moduleRef;
  };

  it('records the running configuration once, however often it boots, and answers with it', async () => {
    const replies = [];
    for (let start = 0; start < 2; start++) {
      const moduleRef = await boot();
      try {
        replies.push(await moduleRef.get(ConfigVersionsMessagesController).configVersion());
        const rows = await moduleRef
          .get<DataSource>(getDataSourceToken(ADMIN_DATA_SOURCE))
          .query<Array<{ version: string }>>('SELECT version FROM config_versions');
        expect(rows).toEqual([{ version: config.version }]);
      } finally {
        await moduleRef.close();
      }
    }
    const [first, second] = replies;
    expect(ConfigVersionReplySchema.parse(first)).toEqual({
      version: config.version,
      applications: 1,
      recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
    });
    expect(second).toEqual(first);
  });

  it('records once when two instances boot at the same time', async () => {
    const modules = await Promise.all([boot(), boot()]);
    try {
      const [a, b] = await Promise.all(
        modules.map((m) => m.get(ConfigVersionsMessagesController).configVersion()),
      );
      expect(a).toEqual(b);
    } finally {
      await Promise.all(modules.map((m) => m.close()));
    }
  });
});
