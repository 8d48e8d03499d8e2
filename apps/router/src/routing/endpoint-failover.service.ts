import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import type { FallbackTrigger } from '@aigw/config';
import type { Attempt } from '@aigw/contracts';
import { GatewayError } from '@aigw/contracts';
import type { UpstreamFailureKind } from '@aigw/providers';
import { UpstreamFailure } from '@aigw/providers';
import type { EndpointGate } from '../rate-limits/endpoint-gate';
import { OPEN_GATE } from '../rate-limits/endpoint-gate';
import { EndpointAvailability } from './endpoint-availability.service';
import type { EndpointMiss } from './failover-error.mapper';
import { failoverError } from './failover-error.mapper';
import { backoffMs } from './resilience/retry-budget';
import type { RoutePlan } from './route-table.service';
import type { RouteTarget } from './route-target';
import type { RoutingContext } from './routing-strategy.interface';

export interface FailoverSuccess<T> {
  readonly target: RouteTarget;
  readonly value: T;
  readonly attempts: Attempt[];
  /** Call once the answer is consumed (a stream's end): until then the endpoint counts as in flight. */
  readonly release: () => void;
}

/** The fallback trigger each upstream failure needs to move on to the next endpoint. */
const TRIGGER: Readonly<Record<UpstreamFailureKind, FallbackTrigger>> = {
  rate_limited: 'http_429',
  server_error: 'http_5xx',
  timeout: 'timeout',
  connection_error: 'connection_error',
};

/** One request's walk over the endpoints. */
interface Walk {
  readonly attempts: Attempt[];
  readonly misses: { readonly miss: EndpointMiss; readonly target: RouteTarget }[];
}

type Step<T> = FailoverSuccess<T> | 'next' | 'stop';

/** Whether an endpoint's quota lets the request try it (`go`), pass it over, or end the walk. */
type Entry = 'go' | 'next' | 'stop';

/**
 * Tries an application's endpoints in its strategy's order until one accepts the request. Endpoints
 * cooling down after a 429, with their model suspended or their breaker open are passed over; endpoints
 * marked unhealthy are tried only when nothing else was (never fail blind). Each failure updates the
 * shared state and moves on when the application's `fallbackStrategy` names it; retries are bounded by
 * `maxAttempts` and the retry budget, after a jittered backoff. The client's own mistakes
 * (`GatewayError`) end the walk at once; a caller abort ends it with the abort error.
 */
@Injectable()
export class EndpointFailover {
  constructor(private readonly availability: EndpointAvailability) {}

  async run<T extends { readonly status: number }>(
    plan: RoutePlan,
    context: RoutingContext,
    call: (target: RouteTarget) => Promise<T>,
    signal: AbortSignal,
    gate: EndpointGate = OPEN_GATE,
  ): Promise<FailoverSuccess<T>> {
    const walk: Walk = { attempts: [], misses: [] };
    const unhealthy: RouteTarget[] = [];
    let stopped = false;
    for (const target of plan.strategy.order(plan.targets, context)) {
      const availability = this.availability.check(target);
      if (availability === 'unhealthy') {
        unhealthy.push(target);
        continue;
      }
      if (availability !== null) {
        walk.misses.push({ target, miss: availability });
        continue;
      }
      const entry = this.enter(gate, target, walk);
      const quota = typeof entry === 'string' ? entry : await entry;
      if (quota === 'stop') {
        stopped = true;
        break;
      }
      if (quota === 'next') continue;
      const step = await this.attempt(plan, target, call, signal, walk);
      if (step === 'next') continue;
      if (step === 'stop') stopped = true;
      else return step;
      break;
    }
    // Every available endpoint is marked unhealthy: try those in order rather than fail blind.
    const triedHealthy = walk.attempts.length > 0;
    for (const target of unhealthy) {
      if (stopped || triedHealthy) {
        walk.misses.push({
          target,
          miss: { endpointId: target.endpoint.id, kind: 'not_tried', reason: 'unhealthy' },
        });
        continue;
      }
      const availability = this.availability.check(target, { health: false });
      if (availability !== null && availability !== 'unhealthy') {
        walk.misses.push({ target, miss: availability });
        continue;
      }
      const entry = this.enter(gate, target, walk);
      const quota = typeof entry === 'string' ? entry : await entry;
      if (quota === 'stop') break;
      if (quota === 'next') continue;
      const step = await this.attempt(plan, target, call, signal, walk);
      if (step === 'stop') break;
      if (step !== 'next') return step;
    }
    throw failoverError(walk.misses.map(({ miss, target }) => this.withRemainingCooldown(miss, target)));
  }

  /**
   * The endpoint's own quota (`rpm`, `tpm`…): room reserved, or passed over — regardless of priority
   * when `fallbackStrategy` has `rate_limiting`, else the walk ends with a 429 (APISIX). Without
   * endpoint limits the gate answers at once, and so does this (nothing to await).
   */
  private enter(gate: EndpointGate, target: RouteTarget, walk: Walk): Entry | Promise<Entry> {
    const quotaMs = gate.enter(target);
    return typeof quotaMs === 'number'
      ? this.entered(quotaMs, target, walk)
      : quotaMs.then((ms) => this.entered(ms, target, walk));
  }

  private entered(quotaMs: number, target: RouteTarget, walk: Walk): Entry {
    if (quotaMs <= 0) return 'go';
    this.availability.released(target);
    walk.misses.push({
      target,
      miss: { endpointId: target.endpoint.id, kind: 'rate_limiting', retryAfterMs: quotaMs },
    });
    return target.policy.fallback.has('rate_limiting') ? 'next' : 'stop';
  }

  private async attempt<T extends { readonly status: number }>(
    plan: RoutePlan,
    target: RouteTarget,
    call: (target: RouteTarget) => Promise<T>,
    signal: AbortSignal,
    walk: Walk,
  ): Promise<Step<T>> {
    const endpointId = target.endpoint.id;
    const retry = walk.attempts.length;
    if (retry === 0) plan.retryBudget.requested();
    else {
      const limit = retry >= (plan.policy.retries.maxAttempts ?? Infinity) ? 'attempt limit reached' : null;
      const reason = limit ?? (plan.retryBudget.tryRetry() ? null : 'retry budget exhausted');
      if (reason !== null) {
        this.availability.released(target);
        walk.misses.push({ target, miss: { endpointId, kind: 'not_tried', reason } });
        return 'stop';
      }
      const wait = backoffMs(plan.policy.retries, retry);
      if (wait > 0) await sleep(wait, undefined, { signal });
    }

    const { strategy } = plan;
    const started = performance.now();
    const durationMs = () => Math.round(performance.now() - started);
    strategy.started?.(endpointId);
    let inFlight = true;
    const release = () => {
      if (!inFlight) return;
      inFlight = false;
      strategy.done?.(endpointId);
    };
    try {
      const value = await call(target);
      strategy.answered?.(endpointId, performance.now() - started);
      walk.attempts.push({ endpointId, outcome: 'ok', status: value.status, durationMs: durationMs() });
      this.availability.succeeded(target);
      return { target, value, attempts: walk.attempts, release };
    } catch (error) {
      release();
      if (error instanceof GatewayError && !signal.aborted) this.availability.succeeded(target);
      if (signal.aborted || error instanceof GatewayError || !(error instanceof UpstreamFailure)) {
        this.availability.released(target);
        throw error;
      }
      strategy.answered?.(endpointId, performance.now() - started);
      walk.attempts.push({ endpointId, outcome: error.kind, status: error.status, durationMs: durationMs() });
      this.availability.failed(target, error);
      walk.misses.push({
        target,
        miss: { endpointId, kind: error.kind, reason: error.reason, retryAfterMs: error.retryAfterMs },
      });
      return plan.policy.fallback.has(TRIGGER[error.kind]) ? 'next' : 'stop';
    }
  }

  /**
   * Rate-limited endpoints, and overloaded ones that said when to come back (Anthropic 529), report the
   * cool-down left now, when the error is built.
   */
  private withRemainingCooldown(miss: EndpointMiss, target: RouteTarget): EndpointMiss {
    const overloaded =
      miss.kind === 'overloaded' || (miss.kind === 'server_error' && miss.retryAfterMs !== null);
    if (
      !overloaded &&
      miss.kind !== 'cooling_down' &&
      miss.kind !== 'rate_limited' &&
      miss.kind !== 'suspended'
    )
      return miss;
    return { ...miss, retryAfterMs: this.availability.remainingMs(target) };
  }
}
