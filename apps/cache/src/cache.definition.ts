import type { ServiceDefinition } from '@aigw/messaging';
import { CacheModule } from './cache.module';

export const definition: ServiceDefinition = {
  service: 'cache',
  createModule: (runtime) =>
    CacheModule.forRoot({
      config: runtime.config,
      mode: runtime.mode,
      databaseUrl: runtime.databaseUrl,
      redisUrl: runtime.redisUrl,
      redisPrefix: runtime.redisPrefix,
      jobs: runtime.jobs,
      transport: runtime.transport,
    }),
};
