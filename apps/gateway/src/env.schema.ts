import { BusEnv, ConfigFileEnv, ListenEnv, LogEnv, StoreEnv } from '@aigw/config';
import { z } from 'zod';

/** The gateway in distributed mode: HTTP ingress that reaches the services over NATS. */
export const GatewayEnvSchema = z.object({
  ...ConfigFileEnv,
  ...BusEnv,
  ...LogEnv,
  ...ListenEnv,
  /** Usage records go to the job queue on Redis. */
  REDIS_URL: StoreEnv.REDIS_URL,
  /**
   * Serve Prometheus' `/metrics` on this port instead of the API port (which an ingress may publish);
   * unset = on the API port.
   */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default('0.0.0.0'),
});
