/** How many wrong keys one client address may present per window before it is refused with 429. */
export interface FailedAuthPolicy {
  readonly limit: number;
  readonly windowSeconds: number;
}

interface Window {
  startedAt: number;
  failures: number;
}

/** Bound on the addresses tracked at once, so a spray from many addresses cannot grow memory. */
const MAX_TRACKED_ADDRESSES = 100_000;

/**
 * Counts failed authentications per client address in fixed windows. Once an address has failed
 * `limit` times in its window, every attempt from it (a right key included) is refused until the window
 * ends, so guessing keys costs `windowSeconds` per `limit` tries. Per process: N replicas allow
 * N × limit guesses per window, which still makes a 192-bit key space unguessable. Used by the
 * gateway (API keys) and the admin API (admin keys and JWTs).
 */
export class FailedAuthLimiter {
  private readonly windows = new Map<string, Window>();

  /**
   * `policy`: fixed, or read at each attempt (the live configuration's `auth.failedAttempts`: a
   * change applies to the windows already counting, which it does not reset).
   */
  constructor(
    private readonly source: FailedAuthPolicy | (() => FailedAuthPolicy),
    private readonly now: () => number = Date.now,
  ) {}

  private get policy(): FailedAuthPolicy {
    return typeof this.source === 'function' ? this.source() : this.source;
  }

  /** 0 when the address may try; otherwise the ms until it may try again. */
  blockedForMs(address: string): number {
    const window = this.current(address);
    if (window === undefined || window.failures < this.policy.limit) return 0;
    return window.startedAt + this.policy.windowSeconds * 1000 - this.now();
  }

  recordFailure(address: string): void {
    const window = this.current(address);
    if (window !== undefined) {
      window.failures += 1;
      return;
    }
    if (this.windows.size >= MAX_TRACKED_ADDRESSES) this.evictExpired();
    // Still full of live windows: forget the oldest (Map keeps insertion order).
    if (this.windows.size >= MAX_TRACKED_ADDRESSES) this.windows.delete(this.windows.keys().next().value!);
    this.windows.set(address, { startedAt: this.now(), failures: 1 });
  }

  private current(address: string): Window | undefined {
    const window = this.windows.get(address);
    if (window === undefined) return undefined;
    if (this.now() - window.startedAt < this.policy.windowSeconds * 1000) return window;
    this.windows.delete(address);
    return undefined;
  }

  private evictExpired(): void {
    for (const address of [...this.windows.keys()]) this.current(address);
  }
}
