import type { RateLimitStatus, RateLimitWindow, Usage } from '@aigw/contracts';
import { GatewayError } from '@aigw/contracts';
import type { RouteTarget } from '../routing/route-target';
import type { EndpointGate } from './endpoint-gate';
import type {
  CounterSpec,
  CounterState,
  RateLimitStore,
  Reservation,
  Settlement,
  TokenDemand,
} from './rate-limit-store.interface';

/** How a request ended, for its settlement. */
export type RequestEnd =
  /** An endpoint answered (a stream may have ended early): the real usage, or what was counted. */
  | { readonly served: true; readonly usage: Usage | null; readonly producedTokens?: () => number }
  /** No endpoint answered: the application's quota is refunded. */
  | { readonly served: false };

/**
 * One admitted request's hold on its quotas: the reservation made at admission (application, consumer,
 * key), the one on the endpoint being tried, and the body to send (after the `max_tokens` policy).
 * Settles once: the reserved estimate is replaced by the real usage.
 */
export class RateLimitTicket implements EndpointGate {
  private onEndpoint: Reservation | null = null;
  private settled = false;

  constructor(
    readonly body: Readonly<Record<string, unknown>>,
    private readonly store: RateLimitStore | null,
    private readonly demand: TokenDemand,
    private readonly admission: Reservation | null,
    private readonly endpointCounters: (endpointId: string) => readonly CounterSpec[],
    /** What the client is told of its limits; absent when none applies. */
    readonly status: RateLimitStatus | undefined,
  ) {}

  /** A request nothing limits. */
  static unlimited(body: Readonly<Record<string, unknown>>): RateLimitTicket {
    return new RateLimitTicket(
      body,
      null,
      { promptTokens: 0, completionTokens: 0 },
      null,
      () => [],
      undefined,
    );
  }

  /** Whether settling counts tokens (some limit applies): a stream's output is tallied only then. */
  get countsTokens(): boolean {
    return this.store !== null;
  }

  enter(target: RouteTarget): number | Promise<number> {
    if (this.store === null) return 0;
    // The previous endpoint failed: its request counts, its tokens do not.
    this.release(this.onEndpoint, FAILED_ATTEMPT);
    this.onEndpoint = null;
    const counters = this.endpointCounters(target.endpoint.id);
    if (counters.length === 0) return 0;
    return this.#reserve(this.store, counters);
  }

  async #reserve(store: RateLimitStore, counters: readonly CounterSpec[]): Promise<number> {
    const outcome = await store.reserve(counters, this.demand);
    if (!outcome.admitted) return Math.max(1, outcome.retryAfterMs);
    this.onEndpoint = outcome.reservation;
    return 0;
  }

  /**
   * A 429 after admission (every endpoint out of its own quota or cooling down) reports the limits the
   * request was admitted under, as its success would have; other errors pass unchanged.
   */
  refusal(error: unknown): unknown {
    if (this.status === undefined || !(error instanceof GatewayError)) return error;
    if (error.code !== 'rate_limit_exceeded' || error.rateLimit !== undefined) return error;
    return error.withRateLimit(this.status);
  }

  settle(end: RequestEnd): void {
    if (this.settled || this.store === null) return;
    this.settled = true;
    if (!end.served) {
      this.release(this.admission, REFUND);
      this.release(this.onEndpoint, FAILED_ATTEMPT);
      return;
    }
    const settlement: Settlement = end.usage
      ? { requests: 1, promptTokens: end.usage.prompt_tokens, completionTokens: end.usage.completion_tokens }
      : {
          requests: 1,
          promptTokens: this.demand.promptTokens,
          completionTokens: end.producedTokens?.() ?? this.demand.completionTokens,
        };
    this.release(this.admission, settlement);
    this.release(this.onEndpoint, settlement);
  }

  private release(reservation: Reservation | null, settlement: Settlement): void {
    // The store reports its own failures (fail-open / fail-closed); a settlement never fails a request.
    if (reservation !== null && this.store !== null)
      void this.store.settle(reservation, settlement).catch(() => undefined);
  }
}

const REFUND: Settlement = { requests: 0, promptTokens: 0, completionTokens: 0 };
const FAILED_ATTEMPT: Settlement = { requests: 1, promptTokens: 0, completionTokens: 0 };

/** The tightest request counter and the tightest token counter, as the client's headers report them. */
export function statusOf(counters: readonly CounterState[]): RateLimitStatus | undefined {
  if (counters.length === 0) return undefined;
  return {
    requests: tightest(counters.filter((c) => c.spec.measure === 'requests')),
    tokens: tightest(counters.filter((c) => c.spec.measure !== 'requests')),
  };
}

function tightest(counters: readonly CounterState[]): RateLimitWindow | null {
  let best: RateLimitWindow | null = null;
  for (const c of counters) {
    const window = { limit: c.spec.limit, remaining: Math.max(0, c.spec.limit - c.used), resetMs: c.resetMs };
    if (best === null || window.remaining < best.remaining) best = window;
  }
  return best;
}
