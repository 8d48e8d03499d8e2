import type { Provider } from '@nestjs/common';
import type { GatewayConfig } from '@aigw/config';
import { GATEWAY_CONFIG } from '@aigw/config';
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

/** Redis when the router has it (with the Redis-down policy), memory in embedded mode. */
export const rateLimitStoreProvider: Provider<RateLimitStore> = {
  provide: RATE_LIMIT_STORE,
  inject: [RouterRedis, ROUTER_OPTIONS, GATEWAY_CONFIG, CLOCK],
  useFactory: (redis: RouterRedis, options: RouterModuleOptions, config: GatewayConfig, clock: Clock) => {
    const local = new InMemoryRateLimitStore(clock);
    if (redis.client === null) return local;
    return new FailoverRateLimitStore(
      new RedisRateLimitStore(redis.client, options.redisPrefix),
      local,
      config.rateLimiting.redisDown,
    );
  },
};
