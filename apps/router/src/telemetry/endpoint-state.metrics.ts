import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { LiveConfig } from '@aigw/config';
import type { EndpointState } from '@aigw/observability';
import { reportBreakerStates } from '@aigw/observability';
import { EndpointCooldowns } from '../routing/endpoint-cooldowns.repository';
import { CircuitBreakers } from '../routing/resilience/circuit-breakers.service';

/**
 * `aigw_circuit_breaker_state` of every configured endpoint, read at scrape time from the routing state
 * this replica shares with the others: the endpoint's circuit breaker (open after `failureThreshold`
 * consecutive failures, half-open once `openMs` has passed, closed by a successful probe), reported open
 * too while the endpoint cools down after a 429 or an overloaded answer (skipped all the same).
 */
@Injectable()
export class EndpointStateMetrics implements OnModuleInit, OnModuleDestroy {
  private unreport: (() => void) | null = null;

  constructor(
    private readonly live: LiveConfig,
    private readonly cooldowns: EndpointCooldowns,
    private readonly breakers: CircuitBreakers,
  ) {}

  onModuleInit(): void {
    this.unreport = reportBreakerStates(() => this.states());
  }

  onModuleDestroy(): void {
    this.unreport?.();
  }

  *states(): Iterable<EndpointState> {
    for (const app of this.live.config.applications)
      for (const endpoint of app.endpoints) {
        const key = EndpointCooldowns.key(app.id, endpoint.id);
        const breaker = this.breakers.state(key);
        const cooling = this.cooldowns.remainingMs(key) > 0 || this.cooldowns.overloadedMs(key) > 0;
        yield { application: app.id, endpoint: endpoint.id, state: cooling ? 'open' : breaker };
      }
  }
}
