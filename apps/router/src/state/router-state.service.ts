import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedApplication, ResolvedEndpoint } from '@aigw/config';
import { LiveConfig, resolveRoutingPolicy } from '@aigw/config';
import type {
  ApplicationRoutingState,
  EndpointRoutingState,
  LimitCounterState,
  RouterState,
  RouterStateRequest,
} from '@aigw/contracts';
import type { CounterSpec, CounterState } from '../rate-limits/rate-limit-store.interface';
import type { RateLimitStore } from '../rate-limits/rate-limit-store.interface';
import { RATE_LIMIT_STORE } from '../rate-limits/rate-limit-store.provider';
import { RateLimiter } from '../rate-limits/rate-limiter.service';
import type { RouterModuleOptions } from '../router.options';
import { ROUTER_OPTIONS } from '../router.options';
import type { Clock } from '../routing/clock';
import { CLOCK } from '../routing/clock';
import { unhealthyKey } from '../routing/endpoint-availability.service';
import { EndpointCooldowns } from '../routing/endpoint-cooldowns.repository';
import { CircuitBreakers } from '../routing/resilience/circuit-breakers.service';
import type { RoutingStateStore } from '../shared-state/routing-state.store';
import { ROUTING_STATE_STORE } from '../shared-state/routing-state.store';

/**
 * `router.v1.state`: each application's endpoints as the failover sees them now — health verdict,
 * breaker, cool-down — and the limit counters of the application and of each endpoint. Reads only:
 * the routing state from the local view of the shared store, the counters with one `peek` per
 * application (one Redis round trip each in distributed mode).
 */
@Injectable()
export class RouterStateService {
  constructor(
    private readonly live: LiveConfig,
    @Inject(ROUTER_OPTIONS) private readonly options: RouterModuleOptions,
    @Inject(ROUTING_STATE_STORE) private readonly store: RoutingStateStore,
    @Inject(RATE_LIMIT_STORE) private readonly counters: RateLimitStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly cooldowns: EndpointCooldowns,
    private readonly breakers: CircuitBreakers,
    private readonly limiter: RateLimiter,
  ) {}

  async state(request: RouterStateRequest): Promise<RouterState> {
    const wanted = request.applicationIds === null ? null : new Set(request.applicationIds);
    const { config } = this.live;
    const apps = config.applications.filter((app) => wanted === null || wanted.has(app.id));
    return {
      configVersion: config.version,
      store: this.options.redisUrl === null ? 'local' : 'shared',
      applications: await Promise.all(apps.map((app) => this.application(app))),
      readAt: new Date(this.clock.now()).toISOString(),
    };
  }

  private async application(app: ResolvedApplication): Promise<ApplicationRoutingState> {
    const limits = this.limiter.limitsOf(app.id);
    const own = limits?.admission(null) ?? [];
    const byEndpoint = app.endpoints.map((e) => limits?.endpoint(e.id) ?? []);
    // One read for every counter of the application, then handed back to their scopes in order.
    const read = [...(await this.counters.peek([...own, ...byEndpoint.flat()]))];
    const take = (specs: readonly CounterSpec[]) => read.splice(0, specs.length).map(limitState);
    const appLimits = take(own);
    return {
      applicationId: app.id,
      type: app.type,
      strategy: resolveRoutingPolicy(app.routing).strategy,
      limits: appLimits,
      endpoints: app.endpoints.map((endpoint, i) =>
        this.endpoint(app.id, endpoint, take(byEndpoint[i] ?? [])),
      ),
    };
  }

  private endpoint(
    applicationId: string,
    endpoint: ResolvedEndpoint,
    limits: LimitCounterState[],
  ): EndpointRoutingState {
    const key = EndpointCooldowns.key(applicationId, endpoint.id);
    const marked = this.store.holdLeftMs(unhealthyKey(applicationId, endpoint.id)) !== null;
    return {
      endpointId: endpoint.id,
      provider: endpoint.provider,
      priority: endpoint.priority,
      health: marked ? 'unhealthy' : endpoint.checks?.active === undefined ? 'unchecked' : 'healthy',
      breaker: this.breakers.reading(key),
      coolDownMs: this.cooldowns.remainingMs(key),
      overloadedMs: this.cooldowns.overloadedMs(key),
      limits,
    };
  }
}

function limitState(counter: CounterState): LimitCounterState {
  const { spec } = counter;
  return {
    label: spec.label,
    measure: spec.measure,
    limit: spec.limit,
    used: counter.used,
    windowMs: spec.windowMs,
    resetMs: counter.resetMs,
  };
}
