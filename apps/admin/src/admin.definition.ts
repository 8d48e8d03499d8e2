import { parseEnv } from '@aigw/config';
import type { ServiceDefinition } from '@aigw/messaging';
import { AdminModule } from './admin.module';
import { ConfigStoreService } from './config-store/config-store.service';
import { AdminEnvSchema } from './env.schema';

export const definition: ServiceDefinition = {
  service: 'admin',
  // The admin owns the configuration store: it does not follow its own broadcasts.
  followsConfig: false,
  createModule: (runtime) => {
    if (!runtime.databaseUrl) throw new Error('the admin service needs a database (DATABASE_URL)');
    if (!runtime.configFile || !runtime.env)
      throw new Error(
        'the admin service needs its launcher to pass the configuration file and the environment',
      );
    const env = parseEnv(AdminEnvSchema, runtime.env);
    return AdminModule.forRoot({
      databaseUrl: runtime.databaseUrl,
      transport: runtime.transport,
      configFile: runtime.configFile,
      env: runtime.env,
      http: { host: env.ADMIN_HOST, port: env.ADMIN_PORT },
      auth: {
        apiKey: env.ADMIN_API_KEY,
        jwtSecret: env.ADMIN_JWT_SECRET,
        failedAttempts: {
          limit: env.ADMIN_FAILED_AUTH_LIMIT,
          windowSeconds: env.ADMIN_FAILED_AUTH_WINDOW_SECONDS,
        },
      },
    });
  },
  /** The HEALTH_PORT `/readyz` covers the admin database too. */
  isReady: (app) =>
    app
      .get(ConfigStoreService)
      .ping()
      .then(
        () => true,
        () => false,
      ),
};
