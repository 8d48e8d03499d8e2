import type { ServiceDefinition } from '@aigw/messaging';
import { MemoryModule } from './memory.module';

export const definition: ServiceDefinition = {
  service: 'memory',
  createModule: () => ({ module: MemoryModule }),
};
