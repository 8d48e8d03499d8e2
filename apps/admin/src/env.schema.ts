import { z } from 'zod';

/** An empty value counts as unset: compose's `${VAR:-}` and an optional Secret key left out give one. */
function unsetWhenEmpty<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema);
}

/** The admin service's own settings (on top of the bus service's, see `StandaloneEnvSchema`). */
export const AdminEnvSchema = z.object({
  /** Listen address of the admin REST API; loopback unless set. */
  ADMIN_HOST: z.string().min(1).default('127.0.0.1'),
  /** Its port; 0 picks a free one (logged). */
  ADMIN_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  /** The admin key (`Authorization: Bearer …`); hashed at start. Empty = unset. */
  ADMIN_API_KEY: unsetWhenEmpty(z.string().min(16, 'use at least 16 characters').optional()),
  /** HS256 secret of admin JWTs (claims `sub`, `exp`, scope `admin`). Empty = unset. */
  ADMIN_JWT_SECRET: unsetWhenEmpty(z.string().min(32, 'use at least 32 characters').optional()),
  /** Wrong admin credentials one client address may present per window; then 429 until it ends. */
  ADMIN_FAILED_AUTH_LIMIT: z.coerce.number().int().positive().default(10),
  ADMIN_FAILED_AUTH_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
});
export type AdminEnv = z.infer<typeof AdminEnvSchema>;
