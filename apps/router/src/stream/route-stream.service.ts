import { Injectable } from '@nestjs/common';
import type { ConfigSnapshot } from '@aigw/config';
import { LiveConfig } from '@aigw/config';
import { tagConfigSnapshot } from '@aigw/observability';
import type { RouteRequest, RouterStreamEvent } from '@aigw/contracts';
import { GatewayError } from '@aigw/contracts';
import type { ProviderStream } from '@aigw/providers';
import { UpstreamFailure } from '@aigw/providers';
import type { Subscriber } from 'rxjs';
import { Observable } from 'rxjs';
import { RateLimitTicket } from '../rate-limits/rate-limit-ticket';
import { RateLimiter } from '../rate-limits/rate-limiter.service';
import { StreamOutputTally } from '../rate-limits/token-counter';
import { EndpointFailover } from '../routing/endpoint-failover.service';
import { RouteTable } from '../routing/route-table.service';
import type { RoutePlan } from '../routing/route-table.service';
import type { RouteTarget } from '../routing/route-target';
import { bodyFor } from '../routing/route-target';
import { routingContext } from '../routing/routing-strategy.interface';
import { IdleTimeoutError, withIdleTimeout } from './idle-timeout';

export type StreamOperation = 'chat' | 'completions';

/**
 * The streaming use case. Failover happens only until an endpoint answers 2xx headers; then `start` is
 * emitted and each upstream chunk is forwarded as it arrives. Unsubscribing (the transport's way to
 * cancel) aborts the upstream request at once.
 */
@Injectable()
export class RouteStreamService {
  constructor(
    private readonly table: RouteTable,
    private readonly failover: EndpointFailover,
    private readonly limits: RateLimiter,
    private readonly live: LiveConfig,
  ) {}

  /** The stream keeps the configuration and the plan it started with to its end, across changes. */
  stream(operation: StreamOperation, request: RouteRequest): Observable<RouterStreamEvent> {
    const snapshot = this.live.current;
    tagConfigSnapshot(snapshot);
    const plan = this.table.plan(request.applicationId, operation);
    return new Observable<RouterStreamEvent>((subscriber) => {
      const call: StreamCall = { abort: new AbortController(), ended: false };
      void this.pump(operation, request, plan, snapshot, subscriber, call);
      // A consumer gone or a failure: cancel the upstream call. One that ended has nothing to cancel (and
      // an abort would build an AbortError, stack trace included, for every stream).
      return () => {
        if (!call.ended) call.abort.abort();
      };
    });
  }

  private async pump(
    operation: StreamOperation,
    request: RouteRequest,
    plan: RoutePlan,
    snapshot: ConfigSnapshot,
    subscriber: Subscriber<RouterStreamEvent>,
    call: StreamCall,
  ): Promise<void> {
    const { abort } = call;
    const { signal } = abort;
    let ticket: RateLimitTicket | null = null;
    let endpointId: string | null = null;
    let stream: ProviderStream | null = null;
    let release = (): void => undefined;
    // Counted only where a token limit needs it and the upstream reports no usage.
    let produced: StreamOutputTally | null = null;
    try {
      const admitted = this.limits.admit(operation, request, snapshot);
      ticket = admitted instanceof RateLimitTicket ? admitted : await admitted;
      if (ticket.countsTokens) produced = new StreamOutputTally();
      const { body } = ticket;
      const open = (target: RouteTarget): Promise<ProviderStream> =>
        operation === 'chat'
          ? target.adapter.chatStream(bodyFor(target, body), signal)
          : target.adapter.completionsStream(bodyFor(target, body), signal);
      const started = await this.failover.run(plan, routingContext(request), open, signal, ticket);
      const { target, value, attempts } = started;
      release = started.release;
      stream = value;
      endpointId = target.endpoint.id;
      if (subscriber.closed) return;
      const retries = attempts.filter((a) => a.outcome !== 'ok').length;
      subscriber.next({
        kind: 'start',
        endpointId,
        provider: target.adapter.provider,
        model: stream.model,
        retries,
        ...(ticket.status && { rateLimit: ticket.status }),
      });
      for await (const data of withIdleTimeout(
        stream.chunks,
        snapshot.config.server.streamIdleTimeoutMs,
        () => abort.abort(),
      )) {
        if (produced !== null) for (const chunk of data) produced.add(chunk);
        if (subscriber.closed) return;
        subscriber.next({ kind: 'chunks', data });
      }
      call.ended = true;
      subscriber.next({ kind: 'end', usage: stream.usage() });
      subscriber.complete();
    } catch (error) {
      if (!subscriber.closed) subscriber.error(afterStartError(ticket?.refusal(error) ?? error, endpointId));
    } finally {
      release();
      // Ended, cut, failed or cancelled: what the upstream reported, or what was counted going by.
      const usage = stream?.usage() ?? null;
      ticket?.settle(
        stream === null
          ? { served: false }
          : { served: true, usage, producedTokens: () => produced?.tokens() ?? 0 },
      );
    }
  }
}

/** The upstream call behind one stream: `ended` once the upstream finished its answer. */
interface StreamCall {
  readonly abort: AbortController;
  ended: boolean;
}

/** Failures once the stream has started name the endpoint; failover errors are already final. */
function afterStartError(error: unknown, endpointId: string | null): unknown {
  if (endpointId === null) return error;
  if (error instanceof IdleTimeoutError)
    return new GatewayError('upstream_timeout', `endpoint ${endpointId} sent nothing for ${error.idleMs} ms`);
  if (error instanceof UpstreamFailure)
    return new GatewayError(
      error.kind === 'timeout' ? 'upstream_timeout' : 'upstream_error',
      `endpoint ${endpointId}: ${error.reason}`,
    );
  return error;
}
