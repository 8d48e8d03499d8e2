import type { ServiceDefinition } from '@aigw/messaging';
import { MetricsModule } from './metrics.module';

export const definition: ServiceDefinition = {
  service: 'metrics',
  createModule: () => ({ module: MetricsModule }),
};
