import type { TestDatabase } from '@aigw/testing';
import { machineDatabase as databaseFor } from '@aigw/testing';

export type { TestDatabase } from '@aigw/testing';
export { MACHINE_POSTGRES_URL, waitFor } from '@aigw/testing';

/** A fresh database for the admin's specs on the machine's Postgres, dropped at the end. */
export function machineDatabase(): Promise<TestDatabase> {
  return databaseFor('admin');
}
