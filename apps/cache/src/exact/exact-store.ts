/** What the exact tier keeps per key: the cached OpenAI response. */
export interface CachedAnswer {
  readonly body: Record<string, unknown>;
}

/** The exact tier: Redis in distributed mode (shared by replicas), a bounded map in embedded mode. */
export interface ExactStore {
  get(key: string): Promise<CachedAnswer | null>;
  set(key: string, answer: CachedAnswer, ttlMs: number): Promise<void>;
}

/** Embedded mode's exact tier: the same TTL semantics as Redis, the oldest entries evicted past a bound. */
export class InMemoryExactStore implements ExactStore {
  readonly #entries = new Map<string, { answer: CachedAnswer; expiresAt: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): Promise<CachedAnswer | null> {
    const entry = this.#entries.get(key);
    if (entry === undefined) return Promise.resolve(null);
    if (entry.expiresAt <= this.now()) {
      this.#entries.delete(key);
      return Promise.resolve(null);
    }
    return Promise.resolve(entry.answer);
  }

  set(key: string, answer: CachedAnswer, ttlMs: number): Promise<void> {
    this.#entries.delete(key);
    this.#entries.set(key, { answer: structuredClone(answer), expiresAt: this.now() + ttlMs });
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return Promise.resolve();
  }

  get size(): number {
    return this.#entries.size;
  }
}
