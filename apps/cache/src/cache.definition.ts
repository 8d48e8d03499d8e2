import { parseEnv } from '@aigw/config';
import type { ServiceDefinition } from '@aigw/messaging';
import { CacheModule } from './cache.module';
import { cacheDatabaseUrl, CacheEnvSchema } from './env.schema';

export const definition: ServiceDefinition = {
  service: 'cache',
  createModule: (runtime) =>
    CacheModule.forRoot({
      live: runtime.live,
      mode: runtime.mode,
      // Distributed mode may give the semantic tier a pgvector Postgres of its own (CACHE_DATABASE_URL).
      databaseUrl:
        runtime.mode === 'distributed' && runtime.env
          ? cacheDatabaseUrl(parseEnv(CacheEnvSchema, runtime.env), runtime.databaseUrl)
          : runtime.databaseUrl,
      redisUrl: runtime.redisUrl,
      redisPrefix: runtime.redisPrefix,
      jobs: runtime.jobs,
      transport: runtime.transport,
    }),
};
