import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { closeRedis, failFastRedis } from './fail-fast-redis';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

describe('failFastRedis (machine Redis)', () => {
  it('runs commands on a reachable Redis and closes with QUIT', async () => {
    const client = failFastRedis(REDIS_URL, { name: 'aigw-spec', commandTimeoutMs: 1000 });
    await once(client, 'ready');
    await expect(client.ping()).resolves.toBe('PONG');
    await expect(client.client('GETNAME')).resolves.toBe('aigw-spec');

    await closeRedis(client);

    expect(client.status).toBe('end');
  });

  it('fails a command at once while Redis is unreachable, then stops reconnecting when closed', async () => {
    // A command timeout far beyond the spec's own: a command queued until it times out fails the spec.
    const client = failFastRedis(`redis://127.0.0.1:${await closedPort()}`, {
      name: 'aigw-spec',
      commandTimeoutMs: 60_000,
    });
    const [refused] = (await once(client, 'error')) as [NodeJS.ErrnoException];
    expect(refused.code).toBe('ECONNREFUSED');

    await expect(client.get('key')).rejects.toThrow(/enableOfflineQueue|Connection is closed/);

    await closeRedis(client);
    expect(client.status).toBe('end');
  });

  it('accepts no connection (embedded mode) and a connection already closed', async () => {
    await expect(closeRedis(null)).resolves.toBeUndefined();
    const client = failFastRedis(REDIS_URL, { name: 'aigw-spec', commandTimeoutMs: 1000 });
    await closeRedis(client);
    await expect(closeRedis(client)).resolves.toBeUndefined();
  });
});
