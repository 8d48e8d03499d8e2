import type { z } from 'zod';
import { ConfigError, zodProblems } from './config-error';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses an app's env schema once at start. Every app calls this from main.ts with `process.env`;
 * no other code reads `process.env`.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) throw new ConfigError('the environment', zodProblems(result.error));
  return result.data;
}
