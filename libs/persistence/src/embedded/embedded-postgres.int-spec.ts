import { mkdtemp, rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DataSource } from 'typeorm';
import { createTypeOrmOptions } from '../typeorm-options';
import type { EmbeddedPostgres } from './embedded-postgres';
import { startEmbeddedPostgres } from './embedded-postgres';
import { BackendTracker } from './wire-protocol';

// PGlite compiles its WASM build on every start: seconds, more on a busy machine.
jest.setTimeout(60_000);

class CreateItems1795300000000 implements MigrationInterface {
  name = 'CreateItems1795300000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE EXTENSION IF NOT EXISTS vector');
    await runner.query('CREATE TABLE items (id int PRIMARY KEY, embedding vector(3) NOT NULL)');
    await runner.query('CREATE INDEX items_embedding_idx ON items USING hnsw (embedding vector_cosine_ops)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE items');
  }
}

const counterMigration = (table: string): new () => MigrationInterface => {
  const name = `Create${table}1795300000001`;
  return class implements MigrationInterface {
    name = name;
    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`CREATE TABLE ${table} (id int PRIMARY KEY, owner text NOT NULL)`);
    }
    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE ${table}`);
    }
  };
};

const dataSource = (url: string, name: string, migrations: Array<new () => MigrationInterface>): DataSource =>
  new DataSource(
    createTypeOrmOptions({ url, name, entities: [], migrations, migrationsTableName: `${name}_migrations` }),
  );

/** A bare protocol client, to send exactly the message sequences a driver would pipeline. */
class WireClient {
  #received = Buffer.alloc(0);
  #tracker = new BackendTracker();
  #onData: (() => void) | null = null;
  readonly closed: Promise<void>;
  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#received = Buffer.concat([this.#received, chunk]);
      this.#tracker.push(chunk);
      this.#onData?.();
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async open(url: string): Promise<WireClient> {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new WireClient(socket);
    const params = Buffer.from('user\0postgres\0database\0postgres\0\0', 'latin1');
    const startup = Buffer.alloc(8);
    startup.writeInt32BE(8 + params.length, 0);
    startup.writeInt32BE(196608, 4);
    await client.request([Buffer.concat([startup, params])]);
    return client;
  }

  send(messages: Buffer[]): void {
    this.socket.write(Buffer.concat(messages));
  }

  /** Sends, then resolves with everything received up to the ReadyForQuery that ends the answer. */
  async request(messages: Buffer[]): Promise<string> {
    this.#tracker = new BackendTracker();
    this.send(messages);
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (this.#tracker.readyStatus === null) return;
        this.#onData = null;
        resolve();
      };
      this.#onData = check;
      check();
    });
    const text = this.#received.toString('latin1');
    this.#received = Buffer.alloc(0);
    return text;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** The text values of the DataRow messages of an answer. */
const dataRows = (answer: string): string[][] => {
  const bytes = Buffer.from(answer, 'latin1');
  const rows: string[][] = [];
  for (let at = 0; at < bytes.length; at += 1 + bytes.readInt32BE(at + 1)) {
    if (bytes[at] !== 0x44) continue;
    const row: string[] = [];
    let field = at + 7;
    for (let i = 0; i < bytes.readInt16BE(at + 5); i++) {
      const length = bytes.readInt32BE(field);
      row.push(bytes.toString('utf8', field + 4, field + 4 + Math.max(length, 0)));
      field += 4 + Math.max(length, 0);
    }
    rows.push(row);
  }
  return rows;
};

const message = (type: string, ...parts: Array<string | Buffer>): Buffer => {
  const body = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
};
const int16 = (n: number): Buffer => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n, 0);
  return b;
};
const parse = (sql: string): Buffer => message('P', '\0', sql, '\0', int16(0));
const bind = (values: string[]): Buffer =>
  message(
    'B',
    '\0\0',
    int16(0),
    int16(values.length),
    ...values.flatMap((v) => [int32(Buffer.byteLength(v)), v]),
    int16(0),
  );
const execute = message('E', '\0', int32(0));
const sync = message('S');
const simpleQuery = (sql: string): Buffer => message('Q', sql, '\0');

describe('startEmbeddedPostgres, in memory', () => {
  let pg: EmbeddedPostgres;
  beforeAll(async () => {
    pg = await startEmbeddedPostgres({ dataDir: null });
  });
  afterAll(async () => {
    await pg.close();
  });

  it('serves pgvector: an HNSW cosine index answers a nearest-neighbour query', async () => {
    const ds = await dataSource(pg.url, 'vectors', [CreateItems1795300000000]).initialize();
    try {
      await ds.query(
        `INSERT INTO items (id, embedding) VALUES (1, '[1,0,0]'), (2, '[0,1,0]'), (3, '[0.9,0.1,0]')`,
      );
      const nearest = await ds.transaction(async (em) => {
        await em.query('SET LOCAL enable_seqscan = off');
        const plan: Array<{ 'QUERY PLAN': string }> = await em.query(
          'EXPLAIN SELECT id FROM items ORDER BY embedding <=> $1 LIMIT 2',
          ['[1,0,0]'],
        );
        expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain('items_embedding_idx');
        return em.query<Array<{ id: number }>>('SELECT id FROM items ORDER BY embedding <=> $1 LIMIT 2', [
          '[1,0,0]',
        ]);
      });
      expect(nearest.map((row) => row.id)).toEqual([1, 3]);
    } finally {
      await ds.destroy();
    }
  });

  it('serves two DataSources at once: concurrent migrations, queries and transactions', async () => {
    const [a, b] = await Promise.all([
      dataSource(pg.url, 'svc_a', [counterMigration('rows_a')]).initialize(),
      dataSource(pg.url, 'svc_b', [counterMigration('rows_b')]).initialize(),
    ]);
    try {
      const work = Array.from({ length: 60 }, async (_, i) => {
        const [ds, table] = i % 2 === 0 ? [a, 'rows_a'] : [b, 'rows_b'];
        await ds.transaction(async (em) => {
          await em.query(`INSERT INTO ${table} (id, owner) VALUES ($1, $2)`, [i, table]);
          const [row] = await em.query<Array<{ id: number; owner: string }>>(
            `SELECT id, owner FROM ${table} WHERE id = $1`,
            [i],
          );
          expect(row).toEqual({ id: i, owner: table });
        });
        const [echo] = await ds.query<Array<{ n: number; s: string }>>('SELECT $1::int AS n, $2::text AS s', [
          i,
          `#${i}`,
        ]);
        expect(echo).toEqual({ n: i, s: `#${i}` });
      });
      await Promise.all(work);
      const count = async (ds: DataSource, table: string): Promise<number> =>
        Number((await ds.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM ${table}`))[0]?.n);
      expect(await count(a, 'rows_a')).toBe(30);
      expect(await count(b, 'rows_b')).toBe(30);
    } finally {
      await Promise.all([a.destroy(), b.destroy()]);
    }
  });

  it('never interleaves one connection’s Parse..Sync batch with another’s (pglite#1046)', async () => {
    const [first, second] = await Promise.all([WireClient.open(pg.url), WireClient.open(pg.url)]);
    try {
      // `first` starts a batch and stalls before its Sync; `second` sends a whole batch meanwhile.
      first.send([parse('SELECT $1::text AS from_first')]);
      const secondAnswer = second.request([parse('SELECT 42 AS from_second'), bind([]), execute, sync]);
      const firstAnswer = await first.request([bind(['hello']), execute, sync]);
      expect(dataRows(firstAnswer)).toEqual([['hello']]);
      expect(dataRows(await secondAnswer)).toEqual([['42']]);
    } finally {
      first.destroy();
      second.destroy();
    }
  });

  it('keeps a transaction to its connection and rolls it back when that client disconnects', async () => {
    const [owner, other] = await Promise.all([WireClient.open(pg.url), WireClient.open(pg.url)]);
    try {
      await other.request([simpleQuery('CREATE TABLE tx_probe (id int)')]);
      expect(await owner.request([simpleQuery('BEGIN; INSERT INTO tx_probe VALUES (1)')])).toContain(
        'INSERT',
      );
      const otherCount = other.request([simpleQuery('SELECT count(*) AS n FROM tx_probe')]);
      owner.destroy();
      await owner.closed;
      expect(dataRows(await otherCount)).toEqual([['0']]);
    } finally {
      other.destroy();
    }
  });
});

describe('startEmbeddedPostgres, lock timeout', () => {
  it('disconnects a client that waits too long behind an open transaction', async () => {
    const pg = await startEmbeddedPostgres({ dataDir: null, lockTimeoutMs: 100 });
    const [owner, waiter] = await Promise.all([WireClient.open(pg.url), WireClient.open(pg.url)]);
    try {
      await owner.request([simpleQuery('BEGIN')]);
      waiter.send([simpleQuery('SELECT 1')]);
      await waiter.closed;
      expect(await owner.request([simpleQuery('COMMIT')])).toContain('COMMIT');
    } finally {
      owner.destroy();
      waiter.destroy();
      await pg.close();
    }
  });
});

describe('startEmbeddedPostgres, with a data directory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aigw-pglite-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps data across close and reopen', async () => {
    const first = await startEmbeddedPostgres({ dataDir: dir });
    try {
      const ds = await dataSource(first.url, 'persisted', [CreateItems1795300000000]).initialize();
      await ds.query(`INSERT INTO items (id, embedding) VALUES (7, '[0,0,1]')`);
      await ds.destroy();
    } finally {
      await first.close();
    }

    const second = await startEmbeddedPostgres({ dataDir: dir });
    try {
      const reopened = await dataSource(second.url, 'persisted', [CreateItems1795300000000]).initialize();
      expect(await reopened.query('SELECT id, embedding::text AS embedding FROM items')).toEqual([
        { id: 7, embedding: '[0,0,1]' },
      ]);
      await reopened.destroy();
    } finally {
      await second.close();
    }
  });
});
