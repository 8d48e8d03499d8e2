import { Inject, Injectable } from '@nestjs/common';
import type { RoutingStateStore } from '../shared-state/routing-state.store';
import { ROUTING_STATE_STORE } from '../shared-state/routing-state.store';

/**
 * Endpoints that answered 429, and until when they are skipped (the `retry-after` they sent); and, for
 * `model-based` applications, (endpoint, model) pairs suspended after a 429 or an exhausted quota (APK
 * `onQuotaExceedSuspendDuration`). Kept in the routing state store, so every replica honours them.
 */
@Injectable()
export class EndpointCooldowns {
  constructor(@Inject(ROUTING_STATE_STORE) private readonly store: RoutingStateStore) {}

  static key(applicationId: string, endpointId: string): string {
    return `${applicationId}/${endpointId}`;
  }

  /** Skips the endpoint for `ms`; an earlier, longer cool-down is kept. */
  coolDown(key: string, ms: number): void {
    if (ms > 0) this.store.put(`cooldown:${key}`, ms, { keepLonger: true });
  }

  /** How long the endpoint is still cooling down; 0 when it is available. */
  remainingMs(key: string): number {
    return this.store.holdLeftMs(`cooldown:${key}`) ?? 0;
  }

  /**
   * Skips an overloaded endpoint for `ms`: a 5xx that said when to come back (Anthropic 529
   * `overloaded_error`). Apart from 429 cool-downs, so errors say which it was.
   */
  overload(key: string, ms: number): void {
    if (ms > 0) this.store.put(`overloaded:${key}`, ms, { keepLonger: true });
  }

  overloadedMs(key: string): number {
    return this.store.holdLeftMs(`overloaded:${key}`) ?? 0;
  }

  /** Leaves `model` of the endpoint out for `ms`. */
  suspend(key: string, model: string, ms: number): void {
    if (ms > 0) this.store.put(`suspended:${key}/${model}`, ms, { keepLonger: true });
  }

  suspendedMs(key: string, model: string): number {
    return this.store.holdLeftMs(`suspended:${key}/${model}`) ?? 0;
  }
}
