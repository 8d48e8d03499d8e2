import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import { BusClient, createClientProxy } from '@aigw/messaging';
import { closeRedis, failFastRedis } from '@aigw/persistence';
import type Redis from 'ioredis';
import type { CacheModuleOptions } from './cache.options';
import { CACHE_OPTIONS } from './cache.options';

/** Bound on every Redis command of a lookup: Redis slow or down is a miss, never a slow request. */
export const REDIS_COMMAND_TIMEOUT_MS = 150;

/**
 * The cache service's Redis connection (exact tier, counters), or null in embedded mode. Commands fail
 * fast instead of queueing while Redis is unreachable.
 */
@Injectable()
export class CacheRedis implements OnApplicationShutdown {
  readonly client: Redis | null;

  constructor(@Inject(CACHE_OPTIONS) options: CacheModuleOptions) {
    this.client =
      options.redisUrl === null
        ? null
        : failFastRedis(options.redisUrl, { name: 'aigw-cache', commandTimeoutMs: REDIS_COMMAND_TIMEOUT_MS });
  }

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.client);
  }
}

/** The cache service's client of the bus: the vectorizer application's embeddings come from the router. */
@Injectable()
export class CacheBus implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly client: BusClient;

  constructor(@Inject(CACHE_OPTIONS) options: CacheModuleOptions) {
    this.client = new BusClient(createClientProxy('cache', options.transport));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.client.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
