import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '@aigw/config';
import { GATEWAY_CONFIG } from '@aigw/config';
import type { EndpointState } from '@aigw/observability';
import { reportBreakerStates } from '@aigw/observability';
import { EndpointCooldowns } from '../routing/endpoint-cooldowns.repository';

/**
 * `aigw_circuit_breaker_state` of every configured endpoint, read at scrape time from this router's
 * endpoint state: open while it cools down (skipped), closed otherwise.
 */
@Injectable()
export class EndpointStateMetrics implements OnModuleInit, OnModuleDestroy {
  private unreport: (() => void) | null = null;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly cooldowns: EndpointCooldowns,
  ) {}

  onModuleInit(): void {
    this.unreport = reportBreakerStates(() => this.states());
  }

  onModuleDestroy(): void {
    this.unreport?.();
  }

  *states(): Iterable<EndpointState> {
    for (const app of this.config.applications)
      for (const endpoint of app.endpoints) {
        const cooling = this.cooldowns.remainingMs(EndpointCooldowns.key(app.id, endpoint.id)) > 0;
        yield { application: app.id, endpoint: endpoint.id, state: cooling ? 'open' : 'closed' };
      }
  }
}
