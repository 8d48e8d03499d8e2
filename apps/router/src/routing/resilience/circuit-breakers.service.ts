import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedRoutingPolicy } from '@aigw/config';
import type { RoutingStateStore } from '../../shared-state/routing-state.store';
import { ROUTING_STATE_STORE } from '../../shared-state/routing-state.store';

type BreakerSettings = ResolvedRoutingPolicy['circuitBreaker'];

/** How long a breaker stays half-open (its shared entry alive) waiting for a probe before it closes. */
const HALF_OPEN_LIFE_MS = 10 * 60_000;

export interface BreakerState {
  /** `half_open`: the open time is over; the next request probes the endpoint. */
  readonly state: 'closed' | 'open' | 'half_open';
  /** Until an open breaker lets its probe through; null unless open. */
  readonly retryAfterMs: number | null;
}

export type BreakerVerdict =
  { readonly pass: true; readonly probe: boolean } | { readonly pass: false; readonly retryAfterMs: number };

/**
 * One circuit breaker per endpoint of an application. `failureThreshold` consecutive 5xx, timeouts or
 * connection errors open it for `openMs`; then it is half-open: one request at a time probes it (one per
 * replica), success closes it, failure opens it again. Opening and closing are shared through the
 * routing state store, so every replica stops sending at once; failure counts are per replica.
 */
@Injectable()
export class CircuitBreakers {
  private readonly failures = new Map<string, number>();
  private readonly probing = new Set<string>();

  constructor(@Inject(ROUTING_STATE_STORE) private readonly store: RoutingStateStore) {}

  admit(key: string): BreakerVerdict {
    const left = this.store.holdLeftMs(storeKey(key));
    if (left === null) return CLOSED;
    if (left > 0) return { pass: false, retryAfterMs: left };
    if (this.probing.has(key)) return { pass: false, retryAfterMs: 0 };
    this.probing.add(key);
    return PROBE;
  }

  /** The breaker as the metrics report it: closed, open (skipped until its hold ends) or half-open. */
  state(key: string): 'closed' | 'open' | 'half_open' {
    const left = this.store.holdLeftMs(storeKey(key));
    return left === null ? 'closed' : left > 0 ? 'open' : 'half_open';
  }

  /** The state with the time to an open breaker's probe, for the operator; never takes the probe. */
  reading(key: string): BreakerState {
    const left = this.store.holdLeftMs(storeKey(key));
    if (left === null) return { state: 'closed', retryAfterMs: null };
    return left > 0 ? { state: 'open', retryAfterMs: left } : { state: 'half_open', retryAfterMs: null };
  }

  succeeded(key: string): void {
    this.failures.delete(key);
    const wasProbe = this.probing.delete(key);
    if (wasProbe || this.store.holdLeftMs(storeKey(key)) !== null) this.store.delete(storeKey(key));
  }

  /** A failure that says the endpoint is broken (not a 429, not the client's mistake). */
  failed(key: string, settings: BreakerSettings): void {
    if (settings.failureThreshold === 0) return;
    const failures = (this.failures.get(key) ?? 0) + 1;
    if (this.probing.delete(key) || failures >= settings.failureThreshold) {
      this.failures.delete(key);
      this.store.put(storeKey(key), settings.openMs, { ttlMs: settings.openMs + HALF_OPEN_LIFE_MS });
    } else this.failures.set(key, failures);
  }

  /** The attempt ended without a verdict on the endpoint (a 429, an abort): a probe may be sent again. */
  released(key: string): void {
    this.probing.delete(key);
  }
}

const CLOSED: BreakerVerdict = { pass: true, probe: false };
const PROBE: BreakerVerdict = { pass: true, probe: true };

function storeKey(key: string): string {
  return `breaker:${key}`;
}
