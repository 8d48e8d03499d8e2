import type { Provider } from '@nestjs/common';
import type Redis from 'ioredis';
import { LiveConfig } from '@aigw/config';
import type { RouterModuleOptions } from '../router.options';
import { ROUTER_OPTIONS } from '../router.options';
import type { Clock } from '../routing/clock';
import { CLOCK } from '../routing/clock';
import { RouterRedis } from '../shared-state/router-redis.provider';
import { FailoverRateLimitStore } from './failover.rate-limit-store';
import { InMemoryRateLimitStore } from './in-memory.rate-limit-store';
import type { RateLimitStore } from './rate-limit-store.interface';
import { RedisRateLimitStore } from './redis.rate-limit-store';

export const RATE_LIMIT_STORE = Symbol('RATE_LIMIT_STORE');

/** How long a starting router waits for Redis before its first requests (then it serves regardless). */
const CONNECT_WAIT_MS = 2_000;

/** Redis when the router has it (with the Redis-down policy), memory in embedded mode. */
export const rateLimitStoreProvider: Provider<RateLimitStore> = {
  provide: RATE_LIMIT_STORE,
  inject: [RouterRedis, ROUTER_OPTIONS, LiveConfig, CLOCK],
  useFactory: async (redis: RouterRedis, options: RouterModuleOptions, live: LiveConfig, clock: Clock) => {
    const local = new InMemoryRateLimitStore(clock);
    if (redis.client === null) return local;
    // Commands fail fast until the connection is up: without this wait, the first requests after a
    // start would take the Redis-down path (a 503 when failing closed).
    await connected(redis.client, CONNECT_WAIT_MS);
    return new FailoverRateLimitStore(
      new RedisRateLimitStore(redis.client, options.redisPrefix),
      local,
      () => live.config.rateLimiting.redisDown,
    );
  },
};

async function connected(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    // Not events.once: it rejects on the 'error' events a refused connection emits.
    new Promise<void>((resolve) => client.once('ready', () => resolve())),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
  ]).finally(() => clearTimeout(timer));
}
