import type { CacheMetrics } from '@aigw/contracts';

export type LookupOutcome =
  | { readonly result: 'hit'; readonly similarity: number }
  | { readonly result: 'miss' }
  | { readonly result: 'unavailable' };

/** Per-application lookup counters: Redis in distributed mode (summed over replicas), memory otherwise. */
export interface CacheStats {
  record(applicationId: string, outcome: LookupOutcome): Promise<void>;
  read(applicationIds: readonly string[]): Promise<Map<string, CacheMetrics>>;
}

interface Counters {
  hits: number;
  scoreSum: number;
  misses: number;
  unavailable: number;
}

export function metricsOf(counters: Partial<Counters>): CacheMetrics {
  const hits = counters.hits ?? 0;
  return {
    hitCount: hits,
    avgScore: hits === 0 ? null : (counters.scoreSum ?? 0) / hits,
    missCount: counters.misses ?? 0,
    unavailableCount: counters.unavailable ?? 0,
  };
}

export class InMemoryCacheStats implements CacheStats {
  readonly #counters = new Map<string, Counters>();

  record(applicationId: string, outcome: LookupOutcome): Promise<void> {
    const counters = this.#counters.get(applicationId) ?? { hits: 0, scoreSum: 0, misses: 0, unavailable: 0 };
    if (outcome.result === 'hit') {
      counters.hits += 1;
      counters.scoreSum += outcome.similarity;
    } else if (outcome.result === 'miss') counters.misses += 1;
    else counters.unavailable += 1;
    this.#counters.set(applicationId, counters);
    return Promise.resolve();
  }

  read(applicationIds: readonly string[]): Promise<Map<string, CacheMetrics>> {
    return Promise.resolve(
      new Map(applicationIds.map((id) => [id, metricsOf(this.#counters.get(id) ?? {})])),
    );
  }
}
