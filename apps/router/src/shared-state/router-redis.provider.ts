import type { OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
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
        : new Redis(options.redisUrl, {
            commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
            enableOfflineQueue: false,
            maxRetriesPerRequest: 0,
            connectionName: 'aigw-router',
            lazyConnect: false,
          });
    // ioredis reports a lost connection as an 'error' event; without a listener it would crash the process.
    this.client?.on('error', () => undefined);
  }

  /** A second connection for SUBSCRIBE (a subscribed ioredis connection runs no other command). */
  duplicate(): Redis | null {
    const sub = this.client?.duplicate({ enableOfflineQueue: true }) ?? null;
    sub?.on('error', () => undefined);
    return sub;
  }

  async onApplicationShutdown(): Promise<void> {
    // QUIT fails while Redis is unreachable; disconnect() then stops the reconnection attempts.
    if (this.client !== null && this.client.status !== 'end')
      await this.client.quit().catch(() => this.client?.disconnect());
  }
}
