import type { Clock } from '../routing/clock';
import { windowResetMs, windowStart } from './fixed-window';
import type {
  CounterSpec,
  CounterState,
  RateLimitStore,
  Reservation,
  ReserveOutcome,
  Settlement,
  TokenDemand,
} from './rate-limit-store.interface';
import { amountOf, settleDelta, windowKeyOf } from './rate-limit-store.interface';

interface Window {
  used: number;
  readonly endsAt: number;
}

/** Sweep ended windows every this many reservations. */
const SWEEP_EVERY = 1_000;

/**
 * The store of one process: the embedded mode's, and the local fallback of the Redis store when Redis
 * is down (fail-open). Same windows and the same all-or-nothing reservation as the Lua script; being
 * synchronous, each reservation is atomic by construction.
 */
export class InMemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, Window>();
  private reservations = 0;

  constructor(private readonly clock: Clock) {}

  reserve(counters: readonly CounterSpec[], demand: TokenDemand): Promise<ReserveOutcome> {
    const now = this.clock.now();
    if (++this.reservations % SWEEP_EVERY === 0) this.sweep(now);
    const found = counters.map((spec) => {
      const windowKey = windowKeyOf(spec.key, windowStart(now, spec.windowMs));
      const window = this.windows.get(windowKey);
      return { spec, windowKey, used: window?.used ?? 0, resetMs: windowResetMs(now, spec.windowMs) };
    });
    const refusedBy = found.filter(({ spec, used }) => {
      const amount = amountOf(spec.measure, demand);
      return amount > 0 && used + amount > spec.limit;
    });
    if (refusedBy.length > 0) {
      const states = found.map(stateOf);
      return Promise.resolve({
        admitted: false,
        retryAfterMs: Math.max(...refusedBy.map((c) => c.resetMs)),
        counters: states,
        refusedBy: refusedBy.map(stateOf),
      });
    }
    const states: CounterState[] = found.map(({ spec, windowKey, used, resetMs }) => {
      const amount = amountOf(spec.measure, demand);
      const window = this.windows.get(windowKey) ?? { used: 0, endsAt: now + resetMs };
      window.used = used + amount;
      this.windows.set(windowKey, window);
      return { spec, used: window.used, resetMs };
    });
    const reservation: Reservation = {
      held: found.map(({ spec, windowKey }) => ({ windowKey, measure: spec.measure })),
      demand,
    };
    return Promise.resolve({ admitted: true, reservation, counters: states });
  }

  settle(reservation: Reservation, settlement: Settlement): Promise<void> {
    const now = this.clock.now();
    for (const { windowKey, measure } of reservation.held) {
      const window = this.windows.get(windowKey);
      if (window === undefined || window.endsAt <= now) continue;
      window.used += settleDelta(measure, reservation.demand, settlement);
    }
    return Promise.resolve();
  }

  peek(counters: readonly CounterSpec[]): Promise<readonly CounterState[]> {
    const now = this.clock.now();
    return Promise.resolve(
      counters.map((spec) => ({
        spec,
        used: this.windows.get(windowKeyOf(spec.key, windowStart(now, spec.windowMs)))?.used ?? 0,
        resetMs: windowResetMs(now, spec.windowMs),
      })),
    );
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}

function stateOf(found: { spec: CounterSpec; used: number; resetMs: number }): CounterState {
  return { spec: found.spec, used: found.used, resetMs: found.resetMs };
}
