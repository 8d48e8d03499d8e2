import type { ServiceDefinition } from '@aigw/messaging';
import { RouterModule } from './router.module';

export const definition: ServiceDefinition = {
  service: 'router',
  createModule: (runtime) =>
    RouterModule.forRoot({
      live: runtime.live,
      mockLlmUrl: runtime.mockLlmUrl,
      redisUrl: runtime.redisUrl,
      redisPrefix: runtime.redisPrefix,
    }),
};
