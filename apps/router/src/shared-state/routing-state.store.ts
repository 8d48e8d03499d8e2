/**
 * Routing state shared by router replicas: endpoint cool-downs, open circuit breakers, suspended models
 * and unhealthy endpoints. Each is an entry under a key that *holds* for a while (the endpoint is skipped
 * until then) and *lives* at least as long (a breaker stays half-open after its hold, until a probe
 * closes it). Reads are local and synchronous (the hot path never waits on Redis); writes apply locally
 * at once and reach the other replicas asynchronously.
 */
export interface RoutingStateStore {
  /** Ms left of the entry's hold (0: held no more but still alive), or null when there is no entry. */
  holdLeftMs(key: string): number | null;
  /**
   * Holds `key` for `holdMs`; the entry lives `ttlMs` (≥ holdMs, default holdMs). With `keepLonger`, an
   * entry that already lives longer is kept (a short cool-down never shortens a long one).
   */
  put(
    key: string,
    holdMs: number,
    options?: { readonly ttlMs?: number; readonly keepLonger?: boolean },
  ): void;
  delete(key: string): void;
}

export const ROUTING_STATE_STORE = Symbol('ROUTING_STATE_STORE');
