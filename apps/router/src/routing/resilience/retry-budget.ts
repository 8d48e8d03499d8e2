import type { ResolvedRoutingPolicy } from '@aigw/config';
import type { Clock } from '../clock';

type RetrySettings = ResolvedRoutingPolicy['retries'];

/**
 * Finagle's retry budget: over the last `budgetWindowSeconds`, retries may be at most `budgetRatio` of
 * the requests plus `budgetMinRetriesPerSecond` per second. When every endpoint fails, an application
 * still sends at most (1 + ratio) × its traffic upstream instead of one attempt per endpoint per request.
 * Counted per replica in one-second buckets; the ratio holds the same across any number of replicas.
 */
export class RetryBudget {
  private readonly requests: number[];
  private readonly retries: number[];
  private second = -1;

  constructor(
    private readonly settings: RetrySettings,
    private readonly clock: Clock,
  ) {
    this.requests = new Array<number>(settings.budgetWindowSeconds).fill(0);
    this.retries = new Array<number>(settings.budgetWindowSeconds).fill(0);
  }

  /** A request made its first attempt. */
  requested(): void {
    this.requests[this.slot()] += 1;
  }

  /** Takes one retry from the budget; false when it is spent. */
  tryRetry(): boolean {
    const slot = this.slot();
    const { budgetRatio, budgetMinRetriesPerSecond, budgetWindowSeconds } = this.settings;
    const allowed = budgetRatio * sum(this.requests) + budgetMinRetriesPerSecond * budgetWindowSeconds;
    if (sum(this.retries) + 1 > allowed) return false;
    this.retries[slot] += 1;
    return true;
  }

  private slot(): number {
    const second = Math.floor(this.clock.now() / 1_000);
    const size = this.requests.length;
    if (this.second === -1) this.second = second;
    // Clear the buckets of the seconds that passed since the last call (all of them after a long pause).
    for (let s = this.second + 1; s <= second && s <= this.second + size; s += 1) {
      this.requests[s % size] = 0;
      this.retries[s % size] = 0;
    }
    if (second > this.second) this.second = second;
    return second % size;
  }
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/** Full-jitter exponential backoff before retry number `retry` (1-based); 0 when backoff is off. */
export function backoffMs(
  settings: RetrySettings,
  retry: number,
  random: () => number = Math.random,
): number {
  if (settings.backoffBaseMs === 0) return 0;
  const cap = Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** Math.min(30, retry - 1));
  return Math.floor(random() * cap);
}
