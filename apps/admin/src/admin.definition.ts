import type { ServiceDefinition } from '@aigw/messaging';
import { AdminModule } from './admin.module';

export const definition: ServiceDefinition = {
  service: 'admin',
  createModule: (runtime) => {
    if (!runtime.databaseUrl) throw new Error('the admin service needs a database (DATABASE_URL)');
    return AdminModule.forRoot({ config: runtime.config, databaseUrl: runtime.databaseUrl });
  },
};
