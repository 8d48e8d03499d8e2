import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { GATEWAY_CONFIG } from '@aigw/config';
import { RATE_LIMIT_PROVIDERS } from './rate-limits/rate-limits.providers';
import { RouteService } from './route/route.service';
import { RouterMessagesController } from './router.messages.controller';
import type { RouterModuleOptions } from './router.options';
import { ROUTER_OPTIONS } from './router.options';
import { CLOCK, systemClock } from './routing/clock';
import { EndpointCooldowns } from './routing/endpoint-cooldowns.repository';
import { EndpointFailover } from './routing/endpoint-failover.service';
import { PriorityStrategy } from './routing/priority.strategy';
import { RouteTable } from './routing/route-table.service';
import { ROUTING_STRATEGY } from './routing/routing-strategy.interface';
import { RouterRedis } from './shared-state/router-redis.provider';
import { RouteStreamService } from './stream/route-stream.service';

/** The router service: picks an application's endpoint and calls it through a provider adapter. */
@Module({})
export class RouterModule {
  static forRoot(options: RouterModuleOptions): DynamicModule {
    return {
      module: RouterModule,
      controllers: [RouterMessagesController],
      providers: [
        { provide: ROUTER_OPTIONS, useValue: options },
        { provide: GATEWAY_CONFIG, useValue: options.config },
        { provide: CLOCK, useValue: systemClock },
        { provide: ROUTING_STRATEGY, useClass: PriorityStrategy },
        EndpointCooldowns,
        EndpointFailover,
        RouteTable,
        RouteService,
        RouteStreamService,
        RouterRedis,
        ...RATE_LIMIT_PROVIDERS,
      ],
    };
  }
}
