import { z } from 'zod';

/**
 * Env variables shared by several apps, as schema fragments. Each app composes its own env schema
 * from these (see `apps/<app>/src/env.schema.ts`); defaults suit a laptop with local servers.
 */
export const ConfigFileEnv = {
  GATEWAY_CONFIG: z.string().min(1).default('config/gateway.yaml'),
  /**
   * Period (ms) of each service's check of the admin's active configuration revision, which repairs a
   * missed `config.changed` broadcast; 0 turns it off (broadcasts and reconnects still apply changes).
   */
  CONFIG_CHECK_INTERVAL_MS: z.coerce.number().int().min(0).default(30_000),
};

export const BusEnv = {
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  /** Prefix of every subject, so several deployments can share one NATS cluster. */
  BUS_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, 'letters, digits, _ and - only')
    .default(''),
};

export const LogEnv = {
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
};

export const ListenEnv = {
  /** Override `server.host` / `server.port` of the config file. */
  GATEWAY_HOST: z.string().min(1).optional(),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).optional(),
};

export const StoreEnv = {
  DATABASE_URL: z.string().min(1).default('postgres://postgres@127.0.0.1:5432/postgres'),
  REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6379'),
};

export const MockEnv = {
  /** Base URL of the mock provider for `provider: mock` endpoints (its own process in distributed mode). */
  MOCK_LLM_URL: z.url().optional(),
};
