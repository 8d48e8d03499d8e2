import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/** The machine's Postgres (README "Tests"); each spec gets a database of its own there. */
export const MACHINE_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh database on the machine's Postgres, dropped (connections and all) at the end. */
export async function machineDatabase(): Promise<TestDatabase> {
  const name = `aigw_admin_${randomUUID().replace(/-/g, '')}`;
  const admin = new Client({ connectionString: MACHINE_POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  return {
    url: MACHINE_POSTGRES_URL.replace(/\/postgres$/, `/${name}`),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Polls until `condition` holds (no fixed sleeps in tests). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
