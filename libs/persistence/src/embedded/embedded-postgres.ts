import { mkdir } from 'node:fs/promises';
import { PgliteThread } from './pglite-thread';
import { PgliteWireServer } from './pglite-wire.server';

export interface EmbeddedPostgresOptions {
  /** Directory of the database files; `null` keeps the database in memory (lost on close). */
  readonly dataDir: string | null;
  /** Defaults to 127.0.0.1. The server has no authentication: keep it on loopback. */
  readonly host?: string;
  /** Defaults to 0: an ephemeral port, read it from `url`. */
  readonly port?: number;
  /** See `PgliteWireServerOptions.lockTimeoutMs`. Defaults to 30 s. */
  readonly lockTimeoutMs?: number;
}

export interface EmbeddedPostgres {
  /** `postgres://postgres@host:port/postgres`: pass it to TypeORM / `pg` like any database URL. */
  readonly url: string;
  /** Disconnects every client, then closes PGlite (flushing the data directory). Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts PGlite (Postgres compiled to WASM, on a worker thread of this process) with the pgvector extension available
 * (`CREATE EXTENSION IF NOT EXISTS vector` is up to the migrations that need it) and serves it over
 * the Postgres wire protocol on loopback, for any number of connections.
 *
 * One data directory must be opened by one process at a time: PGlite does not lock it.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  if (options.dataDir !== null) await mkdir(options.dataDir, { recursive: true });
  const engine = await PgliteThread.start(options.dataDir);
  const server = new PgliteWireServer({
    engine,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    lockTimeoutMs: options.lockTimeoutMs ?? 30_000,
  });
  let address;
  try {
    address = await server.listen();
  } catch (error: unknown) {
    await engine.close();
    throw error;
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | null = null;
  return {
    url: `postgres://postgres@${host}:${address.port}/postgres`,
    close: () => {
      closing ??= server.close().then(() => engine.close());
      return closing;
    },
  };
}
