import type { DynamicModule, Provider } from '@nestjs/common';
import { Logger, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CacheBus, CacheRedis } from './cache-connections';
import { cacheDataSourceOptions } from './cache-data-source';
import { CacheQueueWorker } from './cache-queue.worker';
import type { CacheModuleOptions } from './cache.options';
import {
  CACHE_DATA_SOURCE,
  CACHE_OPTIONS,
  CACHE_STATS,
  cacheInUse,
  EMBEDDER,
  EXACT_STORE,
  SEMANTIC_STORE,
} from './cache.options';
import { ApplicationEmbedder } from './embedding/application.embedder';
import type { Embedder } from './embedding/embedder';
import { LocalEmbedder } from './embedding/local.embedder';
import { InMemoryExactStore } from './exact/exact-store';
import { RedisExactStore } from './exact/redis.exact-store';
import { CacheLookupService } from './lookup/cache-lookup.service';
import { CacheMessagesController } from './lookup/cache.messages.controller';
import { SemanticRepository } from './semantic/semantic.repository';
import { InMemoryCacheStats } from './stats/cache-stats';
import { RedisCacheStats } from './stats/redis.cache-stats';
import { CacheWriteProcessor } from './write/cache-write.processor';

/** The bound on the vectorizer's embeddings call: the lookup's own bound, less a margin for the search. */
const EMBEDDING_TIMEOUT_SHARE = 0.8;

/**
 * The cache service: answers `cache.v1.lookup` from an exact tier (Redis, or memory in embedded mode)
 * and a semantic tier (Postgres + pgvector), writes answers from the `cache` queue and sweeps expired
 * entries on a schedule. With no application cached it opens neither Postgres nor Redis and every
 * lookup is a `skip`.
 */
@Module({})
export class CacheModule {
  static forRoot(options: CacheModuleOptions): DynamicModule {
    const base: Provider[] = [{ provide: CACHE_OPTIONS, useValue: options }, CacheLookupService];
    if (!cacheInUse(options.live.config) || options.databaseUrl === null)
      return {
        module: CacheModule,
        controllers: [CacheMessagesController],
        providers: [
          ...base,
          { provide: EXACT_STORE, useValue: new InMemoryExactStore(0) },
          { provide: SEMANTIC_STORE, useValue: null },
          { provide: EMBEDDER, useValue: new LocalEmbedder() },
          { provide: CACHE_STATS, useValue: new InMemoryCacheStats() },
        ],
      };
    return {
      module: CacheModule,
      imports: [
        TypeOrmModule.forRoot({
          ...cacheDataSourceOptions(options.databaseUrl),
          retryAttempts: 2,
          retryDelay: 1_000,
        }),
      ],
      controllers: [CacheMessagesController],
      providers: [
        ...base,
        CacheRedis,
        CacheBus,
        {
          provide: SEMANTIC_STORE,
          useFactory: (dataSource: DataSource) => new SemanticRepository(dataSource),
          inject: [getDataSourceToken(CACHE_DATA_SOURCE)],
        },
        {
          provide: EXACT_STORE,
          useFactory: (redis: CacheRedis) =>
            redis.client === null
              ? new InMemoryExactStore()
              : new RedisExactStore(redis.client, options.redisPrefix),
          inject: [CacheRedis],
        },
        {
          provide: CACHE_STATS,
          useFactory: (redis: CacheRedis) =>
            redis.client === null
              ? new InMemoryCacheStats()
              : new RedisCacheStats(redis.client, options.redisPrefix),
          inject: [CacheRedis],
        },
        {
          provide: EMBEDDER,
          useFactory: (bus: CacheBus) => createEmbedder(options, bus),
          inject: [CacheBus],
        },
        CacheWriteProcessor,
        CacheQueueWorker,
      ],
    };
  }
}

function createEmbedder(options: CacheModuleOptions, bus: CacheBus): Embedder {
  const vectorizer = options.live.config.cacheSettings.vectorizer;
  if (vectorizer === undefined && options.mode === 'distributed')
    new Logger('CacheModule').warn(
      'no cacheSettings.vectorizer: the local embedder matches words, not meaning; configure an embeddings application',
    );
  if (vectorizer === undefined || vectorizer === 'local') return new LocalEmbedder();
  const timeoutMs = Math.max(
    1,
    Math.floor(options.live.config.cacheSettings.lookupTimeoutMs * EMBEDDING_TIMEOUT_SHARE),
  );
  return new ApplicationEmbedder(bus.client, vectorizer.application, vectorizer.dimensions, timeoutMs);
}
