import { Injectable } from '@nestjs/common';
import { LiveConfig } from '@aigw/config';
import { tagConfigSnapshot } from '@aigw/observability';
import type { RouteRequest, RouteResult } from '@aigw/contracts';
import type { ProviderOperation, ProviderResponse } from '@aigw/providers';
import { RateLimiter } from '../rate-limits/rate-limiter.service';
import { RateLimitTicket } from '../rate-limits/rate-limit-ticket';
import type { FailoverSuccess } from '../routing/endpoint-failover.service';
import { EndpointFailover } from '../routing/endpoint-failover.service';
import { RouteTable } from '../routing/route-table.service';
import type { RouteTarget } from '../routing/route-target';
import { bodyFor } from '../routing/route-target';
import { routingContext } from '../routing/routing-strategy.interface';

/** Non-stream requests are not cancelled (yet): one shared signal satisfies the adapter contract. */
const NOT_CANCELLED = new AbortController().signal;

/** The non-streaming use case: one answer from the first endpoint that gives one. */
@Injectable()
export class RouteService {
  constructor(
    private readonly table: RouteTable,
    private readonly failover: EndpointFailover,
    private readonly limits: RateLimiter,
    private readonly live: LiveConfig,
  ) {}

  /** The request keeps the configuration and the plan it started with to its end, across changes. */
  async route(operation: ProviderOperation, request: RouteRequest): Promise<RouteResult> {
    const snapshot = this.live.current;
    tagConfigSnapshot(snapshot);
    const plan = this.table.plan(request.applicationId, operation);
    const admitted = this.limits.admit(operation, request, snapshot);
    const ticket = admitted instanceof RateLimitTicket ? admitted : await admitted;
    const { body } = ticket;
    const signal = NOT_CANCELLED;
    const call = (target: RouteTarget): Promise<ProviderResponse> => {
      const { adapter } = target;
      const upstreamBody = bodyFor(target, body);
      if (operation === 'chat') return adapter.chat(upstreamBody, signal);
      if (operation === 'completions') return adapter.completions(upstreamBody, signal);
      return adapter.embeddings(upstreamBody, signal);
    };
    let served: FailoverSuccess<ProviderResponse>;
    try {
      served = await this.failover.run(plan, routingContext(request), call, signal, ticket);
    } catch (error) {
      ticket.settle({ served: false });
      throw ticket.refusal(error);
    }
    const { target, value, attempts } = served;
    served.release();
    ticket.settle({ served: true, usage: value.usage });
    return {
      endpointId: target.endpoint.id,
      provider: target.adapter.provider,
      model: value.model,
      body: value.text ?? value.body,
      usage: value.usage,
      attempts,
      ...(ticket.status && { rateLimit: ticket.status }),
    };
  }
}
