import type { CacheMetrics } from '@aigw/contracts';
import type Redis from 'ioredis';
import type { CacheStats, LookupOutcome } from './cache-stats';
import { metricsOf } from './cache-stats';

/** One hash per application (`hits`, `scoreSum`, `misses`, `unavailable`), summed over every replica. */
export class RedisCacheStats implements CacheStats {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async record(applicationId: string, outcome: LookupOutcome): Promise<void> {
    const key = this.#key(applicationId);
    if (outcome.result === 'hit')
      await this.redis
        .multi()
        .hincrby(key, 'hits', 1)
        .hincrbyfloat(key, 'scoreSum', outcome.similarity)
        .exec();
    else await this.redis.hincrby(key, outcome.result === 'miss' ? 'misses' : 'unavailable', 1);
  }

  async read(applicationIds: readonly string[]): Promise<Map<string, CacheMetrics>> {
    const pipeline = this.redis.pipeline();
    for (const id of applicationIds) pipeline.hgetall(this.#key(id));
    const replies = (await pipeline.exec()) ?? [];
    return new Map(
      applicationIds.map((id, i) => {
        const [error, hash] = replies[i] ?? [null, {}];
        if (error) throw error;
        const fields = (hash ?? {}) as Record<string, string>;
        return [
          id,
          metricsOf({
            hits: Number(fields['hits'] ?? 0),
            scoreSum: Number(fields['scoreSum'] ?? 0),
            misses: Number(fields['misses'] ?? 0),
            unavailable: Number(fields['unavailable'] ?? 0),
          }),
        ];
      }),
    );
  }

  #key(applicationId: string): string {
    return `${this.prefix}:cache:stats:${applicationId}`;
  }
}
