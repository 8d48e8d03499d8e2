import type { ActiveHealthCheck } from '@aigw/config';

/** What one probe saw: an HTTP status, a timeout, or a failed connection. */
export type ProbeResult = { readonly status: number } | 'timeout' | 'connection_error';

export type Health = 'healthy' | 'unhealthy';

/**
 * The verdict of APISIX `checks.active` for one endpoint: `healthy.successes` probes answering one of
 * `healthy.httpStatuses` make an unhealthy endpoint healthy; `unhealthy.httpFailures` answers with one of
 * `unhealthy.httpStatuses`, `unhealthy.timeouts` timeouts or `unhealthy.tcpFailures` connection failures
 * in a row make a healthy one unhealthy. Other statuses change nothing. A success resets the failure
 * counts and a failure the success count.
 */
export class EndpointProbe {
  private successes = 0;
  private httpFailures = 0;
  private timeouts = 0;
  private tcpFailures = 0;

  constructor(
    private readonly checks: ActiveHealthCheck,
    public health: Health,
  ) {}

  /** Seconds until the next probe: each state has its own interval. */
  get intervalMs(): number {
    const seconds = this.health === 'healthy' ? this.checks.healthy.interval : this.checks.unhealthy.interval;
    return Math.round(seconds * 1_000);
  }

  /** Counts the result; the new health when it changed, else null. */
  record(result: ProbeResult): Health | null {
    const { healthy, unhealthy } = this.checks;
    if (typeof result === 'object' && healthy.httpStatuses.includes(result.status)) {
      this.httpFailures = this.timeouts = this.tcpFailures = 0;
      this.successes += 1;
      return this.health === 'unhealthy' && this.successes >= healthy.successes
        ? this.become('healthy')
        : null;
    }
    let failed: boolean;
    if (result === 'timeout') failed = (this.timeouts += 1) >= unhealthy.timeouts;
    else if (result === 'connection_error') failed = (this.tcpFailures += 1) >= unhealthy.tcpFailures;
    else if (unhealthy.httpStatuses.includes(result.status))
      failed = (this.httpFailures += 1) >= unhealthy.httpFailures;
    else return null;
    this.successes = 0;
    return this.health === 'healthy' && failed ? this.become('unhealthy') : null;
  }

  private become(health: Health): Health {
    this.health = health;
    this.successes = this.httpFailures = this.timeouts = this.tcpFailures = 0;
    return health;
  }
}
