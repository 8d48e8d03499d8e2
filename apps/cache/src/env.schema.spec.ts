import { parseEnv } from '@aigw/config';
import { cacheDatabaseUrl, CacheEnvSchema } from './env.schema';

const SHARED = 'postgres://aigw@postgres:5432/aigw';

describe('the cache database', () => {
  it.each<[string, Record<string, string>, string]>([
    [
      'CACHE_DATABASE_URL when set',
      { CACHE_DATABASE_URL: 'postgres://aigw@vectors:5432/cache' },
      'postgres://aigw@vectors:5432/cache',
    ],
    ["DATABASE_URL's when unset", {}, SHARED],
    ["DATABASE_URL's when empty (an optional Secret key left out)", { CACHE_DATABASE_URL: '' }, SHARED],
  ])('is %s', (_name, env, expected) => {
    expect(cacheDatabaseUrl(parseEnv(CacheEnvSchema, env), SHARED)).toBe(expected);
  });
});
