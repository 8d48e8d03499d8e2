import type { ServiceDefinition } from '@aigw/messaging';
import { MemoryModule } from './memory.module';

export const definition: ServiceDefinition = {
  service: 'memory',
  createModule: (runtime) => {
    if (!runtime.databaseUrl) throw new Error('the memory service needs a database (DATABASE_URL)');
    return MemoryModule.forRoot({
      live: runtime.live,
      databaseUrl: runtime.databaseUrl,
      jobs: runtime.jobs,
    });
  },
};
