import type { ServiceDefinition } from '@aigw/messaging';
import { MetricsModule } from './metrics.module';

export const definition: ServiceDefinition = {
  service: 'metrics',
  createModule: (runtime) => {
    if (!runtime.databaseUrl) throw new Error('the metrics service needs a database (DATABASE_URL)');
    return MetricsModule.forRoot({
      config: runtime.config,
      databaseUrl: runtime.databaseUrl,
      jobs: runtime.jobs,
    });
  },
};
