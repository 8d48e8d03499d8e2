import { Inject, Injectable } from '@nestjs/common';
import type { Clock } from '../routing/clock';
import { CLOCK } from '../routing/clock';
import type { RoutingStateStore } from './routing-state.store';

export interface Entry {
  readonly until: number;
  readonly expires: number;
}

/** The state of one process: embedded mode's store, and the local view of the Redis store. */
@Injectable()
export class InMemoryRoutingState implements RoutingStateStore {
  protected readonly entries = new Map<string, Entry>();

  constructor(@Inject(CLOCK) protected readonly clock: Clock) {}

  holdLeftMs(key: string): number | null {
    const entry = this.entries.get(key);
    if (entry === undefined) return null;
    const now = this.clock.now();
    if (entry.expires <= now) {
      this.entries.delete(key);
      return null;
    }
    return Math.max(0, entry.until - now);
  }

  put(
    key: string,
    holdMs: number,
    options: { readonly ttlMs?: number; readonly keepLonger?: boolean } = {},
  ): void {
    this.apply(key, holdMs, options.ttlMs ?? holdMs, options.keepLonger ?? false);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Sets the local entry; false when `keepLonger` kept the one there. */
  protected apply(key: string, holdMs: number, ttlMs: number, keepLonger: boolean): boolean {
    const now = this.clock.now();
    const hold = Math.max(0, holdMs);
    const expires = now + Math.max(hold, ttlMs);
    if (expires <= now) return false;
    const current = this.entries.get(key);
    if (keepLonger && current !== undefined && current.expires >= expires) return false;
    this.entries.set(key, { until: now + hold, expires });
    return true;
  }
}
