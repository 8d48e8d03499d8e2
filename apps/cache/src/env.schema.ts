import { z } from 'zod';

/** The cache service's own settings (on top of the bus service's, see `StandaloneEnvSchema`). */
export const CacheEnvSchema = z.object({
  /**
   * The semantic tier's Postgres, which must offer pgvector, when it is not `DATABASE_URL`'s (e.g. a
   * managed Postgres of its own); distributed mode only. Empty = unset.
   */
  CACHE_DATABASE_URL: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string().min(1).optional(),
  ),
});
export type CacheEnv = z.infer<typeof CacheEnvSchema>;

/** The database of the semantic tier: `CACHE_DATABASE_URL` when set, else the services' `DATABASE_URL`. */
export function cacheDatabaseUrl(env: CacheEnv, databaseUrl: string | null): string | null {
  return env.CACHE_DATABASE_URL ?? databaseUrl;
}
