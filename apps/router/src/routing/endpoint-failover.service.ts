import { Inject, Injectable } from '@nestjs/common';
import type { Attempt } from '@aigw/contracts';
import { GatewayError } from '@aigw/contracts';
import { DEFAULT_RETRY_AFTER_MS, UpstreamFailure } from '@aigw/providers';
import type { EndpointGate } from '../rate-limits/endpoint-gate';
import { OPEN_GATE } from '../rate-limits/endpoint-gate';
import { EndpointCooldowns } from './endpoint-cooldowns.repository';
import type { EndpointMiss } from './failover-error.mapper';
import { failoverError } from './failover-error.mapper';
import type { RouteTarget } from './route-target';
import type { RoutingStrategy } from './routing-strategy.interface';
import { ROUTING_STRATEGY } from './routing-strategy.interface';

export interface FailoverSuccess<T> {
  readonly target: RouteTarget;
  readonly value: T;
  readonly attempts: Attempt[];
}

/**
 * Tries an application's endpoints in the strategy's order until one accepts the request. A 429 cools
 * the endpoint down; failures, timeouts and cooling endpoints send the request to the next one; the
 * client's own mistakes (`GatewayError`) end the walk at once. An endpoint whose own quota (`gate`) is
 * exhausted is skipped. A caller abort ends it with the abort error.
 */
@Injectable()
export class EndpointFailover {
  constructor(
    @Inject(ROUTING_STRATEGY) private readonly strategy: RoutingStrategy,
    private readonly cooldowns: EndpointCooldowns,
  ) {}

  async run<T extends { readonly status: number }>(
    targets: readonly RouteTarget[],
    call: (target: RouteTarget) => Promise<T>,
    signal: AbortSignal,
    gate: EndpointGate = OPEN_GATE,
  ): Promise<FailoverSuccess<T>> {
    const attempts: Attempt[] = [];
    const misses: { miss: EndpointMiss; key: string }[] = [];
    for (const target of this.strategy.order(targets)) {
      const endpointId = target.endpoint.id;
      const key = EndpointCooldowns.key(target.applicationId, endpointId);
      const coolingMs = this.cooldowns.remainingMs(key);
      if (coolingMs > 0) {
        misses.push({ key, miss: { endpointId, kind: 'cooling_down', retryAfterMs: coolingMs } });
        continue;
      }
      const quotaMs = await gate.enter(target);
      if (quotaMs > 0) {
        misses.push({ key, miss: { endpointId, kind: 'rate_limiting', retryAfterMs: quotaMs } });
        continue;
      }
      const started = performance.now();
      const durationMs = () => Math.round(performance.now() - started);
      try {
        const value = await call(target);
        attempts.push({ endpointId, outcome: 'ok', status: value.status, durationMs: durationMs() });
        return { target, value, attempts };
      } catch (error) {
        if (signal.aborted || error instanceof GatewayError || !(error instanceof UpstreamFailure))
          throw error;
        attempts.push({ endpointId, outcome: error.kind, status: error.status, durationMs: durationMs() });
        // A 429, or any failure that says when to come back (Anthropic's 529 overloaded), cools down.
        if (error.kind === 'rate_limited' || error.retryAfterMs !== null)
          this.cooldowns.coolDown(key, error.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS);
        misses.push({
          key,
          miss: { endpointId, kind: error.kind, reason: error.reason, retryAfterMs: null },
        });
      }
    }
    throw failoverError(misses.map(({ miss, key }) => this.withRemainingCooldown(miss, key)));
  }

  /** Rate-limited endpoints report the cool-down left now, when the error is built. */
  private withRemainingCooldown(miss: EndpointMiss, key: string): EndpointMiss {
    if (miss.kind !== 'cooling_down' && miss.kind !== 'rate_limited') return miss;
    return { ...miss, retryAfterMs: this.cooldowns.remainingMs(key) };
  }
}
