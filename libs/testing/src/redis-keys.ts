import Redis from 'ioredis';

/** The machine's Redis (README "Tests"); specs use key prefixes of their own there. */
export const MACHINE_REDIS_URL = 'redis://127.0.0.1:6379';

/** Deletes every key under `prefix:` (never FLUSHDB: the Redis is shared). */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 0 });
  redis.on('error', () => undefined);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
