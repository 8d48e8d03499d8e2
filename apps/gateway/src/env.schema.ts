import { BusEnv, ConfigFileEnv, ListenEnv, LogEnv } from '@aigw/config';
import { z } from 'zod';

/** The gateway in distributed mode: HTTP ingress that reaches the services over NATS. */
export const GatewayEnvSchema = z.object({ ...ConfigFileEnv, ...BusEnv, ...LogEnv, ...ListenEnv });
