import type { OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import { closeRedis, failFastRedis } from '@aigw/persistence';
import type Redis from 'ioredis';
import type { RouterModuleOptions } from '../router.options';
import { ROUTER_OPTIONS } from '../router.options';

/** Bound on every Redis command on the request path: Redis being slow or down never hangs a request. */
export const REDIS_COMMAND_TIMEOUT_MS = 200;

/**
 * The router's one Redis connection for state shared by its replicas (endpoint cool-downs, breakers,
 * health, rate-limit counters), or `null` in embedded mode, where one process holds that state in memory.
 * Commands fail fast instead of queueing while Redis is unreachable, so callers can fall back.
 */
@Injectable()
export class RouterRedis implements OnApplicationShutdown {
  readonly client: Redis | null;

  constructor(@Inject(ROUTER_OPTIONS) options: RouterModuleOptions) {
    this.client =
      options.redisUrl === null
        ? null
        : failFastRedis(options.redisUrl, {
            name: 'aigw-router',
            commandTimeoutMs: REDIS_COMMAND_TIMEOUT_MS,
          });
  }

  /** A second connection for SUBSCRIBE (a subscribed ioredis connection runs no other command). */
  duplicate(): Redis | null {
    const sub = this.client?.duplicate({ enableOfflineQueue: true }) ?? null;
    sub?.on('error', () => undefined);
    return sub;
  }

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.client);
  }
}
