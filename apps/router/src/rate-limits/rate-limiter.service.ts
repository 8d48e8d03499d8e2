import { Inject, Injectable } from '@nestjs/common';
import type { ConfigSnapshot } from '@aigw/config';
import { LiveConfig } from '@aigw/config';
import type { RateLimitStatus, RouteRequest } from '@aigw/contracts';
import { GatewayError } from '@aigw/contracts';
import type { ProviderOperation } from '@aigw/providers';
import { applyMaxTokensPolicy } from './max-tokens.policy';
import type { ApplicationLimits } from './rate-limit-plan';
import { RateLimitPlan } from './rate-limit-plan';
import type { CounterSpec, CounterState, RateLimitStore, TokenDemand } from './rate-limit-store.interface';
import { RATE_LIMIT_STORE } from './rate-limit-store.provider';
import { RateLimitTicket, statusOf } from './rate-limit-ticket';
import { choiceCount, countPromptTokens, requestedMaxTokens } from './token-counter';

/**
 * Admission of a request against its application's, its consumer's and its API key's limits, before
 * routing: the prompt tokens (counted) plus the completion budget (`max_tokens`, or the configured
 * estimate) are reserved on every counter at once, or the request is refused with a 429 that says
 * when to retry. The returned ticket carries the endpoint limits into the failover and settles the
 * real usage at the end.
 */
@Injectable()
export class RateLimiter {
  /** The counters of each configuration snapshot (the counts themselves live in the store). */
  private readonly plan: (snapshot?: ConfigSnapshot) => RateLimitPlan;

  constructor(
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore,
    private readonly live: LiveConfig,
  ) {
    this.plan = live.derive((config) => new RateLimitPlan(config));
  }

  /** The application's counters (undefined: not configured); read by `router.v1.state`. */
  limitsOf(applicationId: string): ApplicationLimits | undefined {
    return this.plan(this.live.current).of(applicationId);
  }

  /**
   * `snapshot`: the configuration the request is served with (the current one by default). A request
   * no counter limits gets its ticket at once (nothing to await); the others once the store reserved.
   */
  admit(
    operation: ProviderOperation,
    request: RouteRequest,
    snapshot: ConfigSnapshot = this.live.current,
  ): RateLimitTicket | Promise<RateLimitTicket> {
    const limits = this.plan(snapshot).of(request.applicationId);
    if (limits === undefined) return RateLimitTicket.unlimited(request.body);
    const body =
      operation === 'embeddings' ? request.body : applyMaxTokensPolicy(request.body, limits.maxTokens);
    const counters = limits.admission(request.consumerId);
    if (counters.length === 0 && !limits.endpointLimits) return RateLimitTicket.unlimited(body);

    const demand = {
      promptTokens: countPromptTokens(operation, body),
      completionTokens:
        operation === 'embeddings'
          ? 0
          : (requestedMaxTokens(body) ?? snapshot.config.rateLimiting.defaultCompletionTokens) *
            choiceCount(body),
    };
    return this.#reserve(limits, counters, body, demand);
  }

  async #reserve(
    limits: ApplicationLimits,
    counters: readonly CounterSpec[],
    body: Readonly<Record<string, unknown>>,
    demand: TokenDemand,
  ): Promise<RateLimitTicket> {
    const outcome = await this.store.reserve(counters, demand);
    if (!outcome.admitted)
      throw rateLimited(outcome.refusedBy, outcome.retryAfterMs, statusOf(outcome.counters));
    return new RateLimitTicket(
      body,
      this.store,
      demand,
      outcome.reservation,
      limits.endpoint,
      statusOf(outcome.counters),
    );
  }
}

/**
 * OpenAI's wording: which limit, how much of it is used, and when to come back; with the limits as the
 * refusal found them, for the `x-ratelimit-*` headers of the 429.
 */
function rateLimited(
  refusedBy: readonly CounterState[],
  retryAfterMs: number,
  status: RateLimitStatus | undefined,
): GatewayError {
  const [first] = refusedBy;
  const what =
    first === undefined
      ? 'a rate limit'
      : `${first.spec.label}: limit ${first.spec.limit}, used ${first.used}`;
  return new GatewayError(
    'rate_limit_exceeded',
    `Rate limit reached for ${what}. Please try again in ${formatSeconds(retryAfterMs)}.`,
    { retryAfterMs, ...(status && { rateLimit: status }) },
  );
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${Math.ceil(ms)}ms` : `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;
}
