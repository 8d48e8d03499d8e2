import type { ServiceDefinition } from '@aigw/messaging';
import { MetricsModule } from './metrics.module';

export const definition: ServiceDefinition = {
  service: 'metrics',
  createModule: (runtime) => {
    if (!runtime.databaseUrl) throw new Error('the metrics service needs a database (DATABASE_URL)');
    return MetricsModule.forRoot({
      live: runtime.live,
      databaseUrl: runtime.databaseUrl,
      jobs: runtime.jobs,
    });
  },
};
