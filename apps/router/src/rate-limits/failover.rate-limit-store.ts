import { Logger } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import type { RateLimitingSettings } from '@aigw/config';
import { GatewayError } from '@aigw/contracts';
import type { InMemoryRateLimitStore } from './in-memory.rate-limit-store';
import type {
  CounterSpec,
  CounterState,
  RateLimitStore,
  Reservation,
  ReserveOutcome,
  Settlement,
  TokenDemand,
} from './rate-limit-store.interface';

/** At most one warning per this interval while Redis stays down (each failure is still counted). */
const WARN_EVERY_MS = 10_000;
/** What a client is told to wait when limits cannot be checked (fail-closed). */
const UNAVAILABLE_RETRY_MS = 1_000;

/**
 * The distributed store with the configured Redis-down policy. Every Redis command is bounded (see
 * `REDIS_COMMAND_TIMEOUT_MS`), so an outage costs one short timeout, never a hang. `failOpen`: the
 * request is counted by this process's in-memory limiter instead (limits then hold per replica), with a
 * warning and the `aigw.ratelimit.redis_unavailable` counter; `failClosed`: 503.
 */
export class FailoverRateLimitStore implements RateLimitStore {
  private readonly logger = new Logger('RateLimits');
  private readonly unavailable = metrics
    .getMeter('aigw-router')
    .createCounter('aigw.ratelimit.redis_unavailable', {
      description: 'Rate-limit operations that could not reach Redis',
    });
  private readonly local = new WeakSet<Reservation>();
  private lastWarning = Number.NEGATIVE_INFINITY;
  /** Operations that could not reach Redis since start (the counter's value in this process). */
  failures = 0;

  constructor(
    private readonly shared: RateLimitStore,
    private readonly fallback: InMemoryRateLimitStore,
    /** The policy, or a getter of the live configuration's `rateLimiting.redisDown` (read at each failure). */
    private readonly redisDown: RateLimitingSettings['redisDown'] | (() => RateLimitingSettings['redisDown']),
  ) {}

  private get policy(): RateLimitingSettings['redisDown'] {
    return typeof this.redisDown === 'function' ? this.redisDown() : this.redisDown;
  }

  async reserve(counters: readonly CounterSpec[], demand: TokenDemand): Promise<ReserveOutcome> {
    try {
      return await this.shared.reserve(counters, demand);
    } catch (error) {
      this.failed('reserve', error);
      if (this.policy === 'failClosed')
        throw new GatewayError(
          'service_unavailable',
          'Rate limits cannot be checked right now (their store is unavailable); retry shortly.',
          { retryAfterMs: UNAVAILABLE_RETRY_MS },
        );
      const outcome = await this.fallback.reserve(counters, demand);
      if (outcome.admitted) this.local.add(outcome.reservation);
      return outcome;
    }
  }

  async settle(reservation: Reservation, settlement: Settlement): Promise<void> {
    if (this.local.has(reservation)) return this.fallback.settle(reservation, settlement);
    try {
      await this.shared.settle(reservation, settlement);
    } catch (error) {
      // The reservation stays as reserved: it ends with its window.
      this.failed('settle', error);
    }
  }

  /** Redis down: this process's own counts, the ones `failOpen` limits by meanwhile. */
  async peek(counters: readonly CounterSpec[]): Promise<readonly CounterState[]> {
    try {
      return await this.shared.peek(counters);
    } catch (error) {
      this.failed('peek', error);
      return this.fallback.peek(counters);
    }
  }

  private failed(operation: string, error: unknown): void {
    this.failures += 1;
    this.unavailable.add(1, { operation, policy: this.policy });
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.warn(
      `rate-limit store unreachable (${reason}): ${this.policy === 'failOpen' ? 'limiting per process' : 'refusing requests with 503'}`,
    );
  }
}
