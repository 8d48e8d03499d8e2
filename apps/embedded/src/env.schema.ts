import { ConfigFileEnv, ListenEnv, LogEnv } from '@aigw/config';
import { z } from 'zod';

export const EmbeddedEnvSchema = z.object({
  ...ConfigFileEnv,
  ...ListenEnv,
  ...LogEnv,
  /** Where the embedded Postgres and the generated development key live. */
  GATEWAY_DATA_DIR: z.string().min(1).default('.data'),
  /** The key clients must send; generated into GATEWAY_DATA_DIR when unset. */
  GATEWAY_API_KEY: z.string().min(16, 'use at least 16 characters').optional(),
  /** The admin API's credentials (see apps/admin/src/env.schema.ts); a key is generated when both are unset. */
  ADMIN_API_KEY: z.string().min(16, 'use at least 16 characters').optional(),
  ADMIN_JWT_SECRET: z.string().min(32, 'use at least 32 characters').optional(),
});
export type EmbeddedEnv = z.infer<typeof EmbeddedEnvSchema>;
