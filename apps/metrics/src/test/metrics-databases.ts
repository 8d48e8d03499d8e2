import type { EmbeddedPostgres } from '@aigw/persistence';
import { startEmbeddedPostgres } from '@aigw/persistence';
import type { TestDatabase as MachineDatabase } from '@aigw/testing';
import { machineDatabase as databaseFor } from '@aigw/testing';
import type { Clock } from '../metrics.tokens';

/** What the metrics specs need of a database, embedded or on the machine. */
export type TestDatabase = Pick<MachineDatabase, 'url' | 'drop'>;
export { MACHINE_POSTGRES_URL, waitFor } from '@aigw/testing';

/** The embedded PGlite server, in memory. */
export async function embeddedDatabase(): Promise<TestDatabase> {
  const pg: EmbeddedPostgres = await startEmbeddedPostgres({ dataDir: null });
  return { url: pg.url, drop: () => pg.close() };
}

/** A fresh database for the metrics specs on the machine's Postgres, dropped at the end. */
export function machineDatabase(): Promise<TestDatabase> {
  return databaseFor('metrics');
}

/** A clock that moves only when told to. */
export class FakeClock implements Clock {
  #now: number;

  constructor(iso: string) {
    this.#now = Date.parse(iso);
  }

  now(): Date {
    return new Date(this.#now);
  }

  set(iso: string): void {
    this.#now = Date.parse(iso);
  }
}
