import { Inject, Injectable } from '@nestjs/common';
import type { Clock } from './clock';
import { CLOCK } from './clock';

/**
 * Endpoints that answered 429, and until when they are skipped (the `retry-after` they sent). In memory
 * for now, so each router instance learns on its own; a shared store can replace this class later.
 */
@Injectable()
export class EndpointCooldowns {
  private readonly until = new Map<string, number>();

  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  static key(applicationId: string, endpointId: string): string {
    return `${applicationId}/${endpointId}`;
  }

  /** Skips the endpoint for `ms`; an earlier, longer cool-down is kept. */
  coolDown(key: string, ms: number): void {
    const until = this.clock.now() + Math.max(0, ms);
    if (until > (this.until.get(key) ?? 0)) this.until.set(key, until);
  }

  /** How long the endpoint is still cooling down; 0 when it is available. */
  remainingMs(key: string): number {
    const until = this.until.get(key);
    if (until === undefined) return 0;
    const remaining = until - this.clock.now();
    if (remaining > 0) return remaining;
    this.until.delete(key);
    return 0;
  }
}
