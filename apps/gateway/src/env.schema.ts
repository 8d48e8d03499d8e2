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
});
