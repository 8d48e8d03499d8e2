/**
 * `node dist/apps/embedded/src/postgres.main.js`: the embedded Postgres (PGlite with pgvector) alone,
 * served on loopback for the processes of a distributed deployment on a machine whose Postgres lacks
 * pgvector (the cache service's semantic tier needs it). Prints `postgres ready: <url>`; in memory
 * unless PGLITE_DATA_DIR is set. Development and tests only: it has no authentication.
 */
import { parseEnv } from '@aigw/config';
import { closeOnSignals, exitOnStartupError } from '@aigw/messaging';
import { startEmbeddedPostgres } from '@aigw/persistence';
import { z } from 'zod';

const PostgresEnvSchema = z.object({
  PGLITE_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  PGLITE_DATA_DIR: z.string().min(1).optional(),
});

async function main(): Promise<void> {
  const env = parseEnv(PostgresEnvSchema, process.env);
  const postgres = await startEmbeddedPostgres({
    dataDir: env.PGLITE_DATA_DIR ?? null,
    host: '127.0.0.1',
    port: env.PGLITE_PORT,
  });
  process.stdout.write(`postgres ready: ${postgres.url}\n`);
  closeOnSignals(() => postgres.close());
}

main().catch(exitOnStartupError);
