import { Inject, Injectable } from '@nestjs/common';
import type { UpstreamFailure } from '@aigw/providers';
import { DEFAULT_RETRY_AFTER_MS } from '@aigw/providers';
import type { RoutingStateStore } from '../shared-state/routing-state.store';
import { ROUTING_STATE_STORE } from '../shared-state/routing-state.store';
import { EndpointCooldowns } from './endpoint-cooldowns.repository';
import type { EndpointMiss } from './failover-error.mapper';
import { CircuitBreakers } from './resilience/circuit-breakers.service';
import type { RouteTarget } from './route-target';

/** Marked by the active health checks (see `ActiveHealthChecks`). */
export function unhealthyKey(applicationId: string, endpointId: string): string {
  return `unhealthy:${EndpointCooldowns.key(applicationId, endpointId)}`;
}

export type Availability = EndpointMiss | 'unhealthy' | null;

/**
 * Whether an endpoint may be tried now — not cooling down after a 429, its model not suspended, not
 * marked unhealthy, its breaker not open — and what each outcome changes in that state. All of it lives
 * in the routing state store, local reads only.
 */
@Injectable()
export class EndpointAvailability {
  constructor(
    private readonly cooldowns: EndpointCooldowns,
    private readonly breakers: CircuitBreakers,
    @Inject(ROUTING_STATE_STORE) private readonly store: RoutingStateStore,
  ) {}

  /** Null: try it. The breaker is asked last, as a half-open one hands its one probe to the caller. */
  check(target: RouteTarget, options: { readonly health: boolean } = { health: true }): Availability {
    const endpointId = target.endpoint.id;
    const key = EndpointCooldowns.key(target.applicationId, endpointId);
    const coolingMs = this.cooldowns.remainingMs(key);
    if (coolingMs > 0) return { endpointId, kind: 'cooling_down', retryAfterMs: coolingMs };
    const overloadedMs = this.cooldowns.overloadedMs(key);
    if (overloadedMs > 0) return { endpointId, kind: 'overloaded', retryAfterMs: overloadedMs };
    const model = target.upstreamModel;
    if (model !== undefined) {
      const suspendedMs = this.cooldowns.suspendedMs(key, model);
      if (suspendedMs > 0) return { endpointId, kind: 'suspended', model, retryAfterMs: suspendedMs };
    }
    if (options.health && this.store.holdLeftMs(unhealthyKey(target.applicationId, endpointId)) !== null)
      return 'unhealthy';
    const breaker = this.breakers.admit(key);
    if (!breaker.pass) return { endpointId, kind: 'circuit_open', retryAfterMs: breaker.retryAfterMs };
    return null;
  }

  succeeded(target: RouteTarget): void {
    this.breakers.succeeded(EndpointCooldowns.key(target.applicationId, target.endpoint.id));
  }

  /**
   * A 429 cools the endpoint down until its retry-after — for `model-based` applications it suspends the
   * model instead, for the configured time (APK); any other failure that says when to come back
   * (Anthropic's 529 overloaded) skips it as overloaded until then. 5xx, timeouts and connection errors
   * count towards the breaker.
   */
  failed(target: RouteTarget, error: UpstreamFailure): void {
    const key = EndpointCooldowns.key(target.applicationId, target.endpoint.id);
    const modelBased = target.policy.modelBased;
    if (error.kind === 'rate_limited') {
      if (modelBased !== null && target.upstreamModel !== undefined)
        this.cooldowns.suspend(key, target.upstreamModel, modelBased.suspendMs);
      else this.cooldowns.coolDown(key, error.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS);
    } else if (error.retryAfterMs !== null) this.cooldowns.overload(key, error.retryAfterMs);
    if (error.kind === 'rate_limited') this.breakers.released(key);
    else this.breakers.failed(key, target.policy.circuitBreaker);
  }

  /** The attempt ended with no verdict on the endpoint (the caller went away, the client's mistake). */
  released(target: RouteTarget): void {
    this.breakers.released(EndpointCooldowns.key(target.applicationId, target.endpoint.id));
  }

  /** The cool-down or suspension left now, for the error message. */
  remainingMs(target: RouteTarget): number {
    const key = EndpointCooldowns.key(target.applicationId, target.endpoint.id);
    const model = target.upstreamModel;
    return Math.max(
      this.cooldowns.remainingMs(key),
      this.cooldowns.overloadedMs(key),
      model === undefined ? 0 : this.cooldowns.suspendedMs(key, model),
    );
  }
}
