import type { ServiceDefinition } from '@aigw/messaging';
import { CacheModule } from './cache.module';

export const definition: ServiceDefinition = {
  service: 'cache',
  createModule: () => ({ module: CacheModule }),
};
