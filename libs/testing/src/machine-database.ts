import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/** The machine's Postgres (README "Tests"): each spec and each distributed deployment gets a database of its own. */
export const MACHINE_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface FreshDatabase {
  readonly url: string;
  /** Drops it, ending the connections left to it. */
  drop(): Promise<void>;
}

/** A new, empty database on the machine's Postgres (`aigw_<prefix>_<random>`). */
export async function freshDatabase(
  prefix = 'e2e',
  serverUrl = MACHINE_POSTGRES_URL,
): Promise<FreshDatabase> {
  const name = `aigw_${prefix}_${randomUUID().replace(/-/g, '')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    await admin.end();
    throw error;
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

export interface TestDatabase extends FreshDatabase {
  readonly name: string;
  /** Refuses new connections and ends the open ones: the database is down for its clients. */
  stop(): Promise<void>;
  /** Accepts connections again. */
  restart(): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** A fresh database (see `freshDatabase`) that a spec can also take down and bring back, and query. */
export async function machineDatabase(prefix: string): Promise<TestDatabase> {
  const database = await freshDatabase(prefix);
  const name = new URL(database.url).pathname.slice(1);
  const run = async <T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  };
  return {
    ...database,
    name,
    stop: async () => {
      await run(MACHINE_POSTGRES_URL, `ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await run(
        MACHINE_POSTGRES_URL,
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
        [name],
      );
    },
    restart: async () => {
      await run(MACHINE_POSTGRES_URL, `ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    },
    query: <T>(sql: string, params?: unknown[]) => run<T>(database.url, sql, params),
  };
}

/** Polls until `condition` holds (no fixed sleeps in tests). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
