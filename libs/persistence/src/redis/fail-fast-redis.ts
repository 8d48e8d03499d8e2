import Redis from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long shutdown waits for a closed connection's 'end' (its socket's close), at the most. */
const CLOSE_WAIT_MS = 2_000;

/**
 * A Redis connection for the request path: every command bounded by `commandTimeoutMs`, and failing at
 * once instead of queueing while Redis is unreachable (no offline queue, no retries per request), so
 * callers can fall back (a cache miss, local state). The connection itself keeps reconnecting.
 */
export function failFastRedis(url: string, options: { name: string; commandTimeoutMs: number }): Redis {
  const client = new Redis(url, {
    commandTimeout: options.commandTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectionName: options.name,
  });
  // ioredis reports a lost connection as an 'error' event; without a listener it would crash the process.
  client.on('error', () => undefined);
  return client;
}

/**
 * Closes a connection at shutdown: QUIT, or, while Redis is unreachable, stops its reconnecting; then
 * waits for the connection to end (bounded), so nothing of it outlives the service.
 */
export async function closeRedis(client: Redis | null): Promise<void> {
  if (client === null || client.status === 'end') return;
  // Not events.once: it would reject on an 'error' of the closing connection.
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  await client.quit().catch(() => client.disconnect());
  await Promise.race([ended, sleep(CLOSE_WAIT_MS, undefined, { ref: false })]);
}
