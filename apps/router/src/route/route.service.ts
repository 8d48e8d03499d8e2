import { Injectable } from '@nestjs/common';
import type { RouteRequest, RouteResult } from '@aigw/contracts';
import type { ProviderOperation, ProviderResponse } from '@aigw/providers';
import { EndpointFailover } from '../routing/endpoint-failover.service';
import { RouteTable } from '../routing/route-table.service';
import type { RouteTarget } from '../routing/route-target';

/** Non-stream requests are not cancelled (yet): one shared signal satisfies the adapter contract. */
const NOT_CANCELLED = new AbortController().signal;

/** The non-streaming use case: one answer from the first endpoint that gives one. */
@Injectable()
export class RouteService {
  constructor(
    private readonly table: RouteTable,
    private readonly failover: EndpointFailover,
  ) {}

  async route(operation: ProviderOperation, request: RouteRequest): Promise<RouteResult> {
    const targets = this.table.targets(request.applicationId, operation);
    const signal = NOT_CANCELLED;
    const call = (target: RouteTarget): Promise<ProviderResponse> => {
      const { adapter } = target;
      if (operation === 'chat') return adapter.chat(request.body, signal);
      if (operation === 'completions') return adapter.completions(request.body, signal);
      return adapter.embeddings(request.body, signal);
    };
    const { target, value, attempts } = await this.failover.run(targets, call, signal);
    return {
      endpointId: target.endpoint.id,
      provider: target.adapter.provider,
      model: value.model,
      body: value.body,
      usage: value.usage,
      attempts,
    };
  }
}
