import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { LiveConfig } from '@aigw/config';
import { ActiveHealthChecks } from './health/active-health-checks.service';
import { RATE_LIMIT_PROVIDERS } from './rate-limits/rate-limits.providers';
import { RouteService } from './route/route.service';
import { RouterMessagesController } from './router.messages.controller';
import type { RouterModuleOptions } from './router.options';
import { ROUTER_OPTIONS } from './router.options';
import { CLOCK, systemClock } from './routing/clock';
import { EndpointCooldowns } from './routing/endpoint-cooldowns.repository';
import { EndpointAvailability } from './routing/endpoint-availability.service';
import { EndpointFailover } from './routing/endpoint-failover.service';
import { CircuitBreakers } from './routing/resilience/circuit-breakers.service';
import { RouteTable } from './routing/route-table.service';
import { InMemoryRoutingState } from './shared-state/in-memory-routing-state.store';
import { RedisRoutingState } from './shared-state/redis-routing-state.store';
import { RouterRedis } from './shared-state/router-redis.provider';
import { ROUTING_STATE_STORE } from './shared-state/routing-state.store';
import { RouterStateService } from './state/router-state.service';
import { RouteStreamService } from './stream/route-stream.service';
import { EndpointStateMetrics } from './telemetry/endpoint-state.metrics';

/** The router service: picks an application's endpoint and calls it through a provider adapter. */
@Module({})
export class RouterModule {
  static forRoot(options: RouterModuleOptions): DynamicModule {
    return {
      module: RouterModule,
      controllers: [RouterMessagesController],
      providers: [
        { provide: ROUTER_OPTIONS, useValue: options },
        { provide: LiveConfig, useValue: options.live },
        { provide: CLOCK, useValue: systemClock },
        // Embedded mode holds the routing state in memory; replicas share it through Redis.
        {
          provide: ROUTING_STATE_STORE,
          useClass: options.redisUrl === null ? InMemoryRoutingState : RedisRoutingState,
        },
        EndpointCooldowns,
        CircuitBreakers,
        EndpointAvailability,
        ActiveHealthChecks,
        EndpointFailover,
        RouteTable,
        RouteService,
        RouteStreamService,
        RouterRedis,
        ...RATE_LIMIT_PROVIDERS,
        EndpointStateMetrics,
        RouterStateService,
      ],
    };
  }
}
