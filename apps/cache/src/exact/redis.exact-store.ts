import type Redis from 'ioredis';
import type { CachedAnswer, ExactStore } from './exact-store';

/** The exact tier on Redis: one string per key, `SET … PX <entryExpiry>`. */
export class RedisExactStore implements ExactStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async get(key: string): Promise<CachedAnswer | null> {
    const text = await this.redis.get(this.#key(key));
    return text === null ? null : { body: JSON.parse(text) as Record<string, unknown> };
  }

  async set(key: string, answer: CachedAnswer, ttlMs: number): Promise<void> {
    await this.redis.set(this.#key(key), JSON.stringify(answer.body), 'PX', Math.max(1, Math.round(ttlMs)));
  }

  #key(key: string): string {
    return `${this.prefix}:cache:exact:${key}`;
  }
}
