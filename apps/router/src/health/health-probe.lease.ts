import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type Redis from 'ioredis';

/** Takes the lease when free, extends it when ours; 1 when we hold it after the call. */
const ACQUIRE_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if holder == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0`;

const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Which router replica runs the active health checks: the holder of a Redis lease renewed every
 * `renewMs` and expiring after 3 renewals missed, so a dead prober is replaced within seconds. One prober
 * means one verdict per endpoint (replicas probing on their own would disagree and flap the shared
 * state) and probe traffic that does not grow with the replica count. Without Redis (embedded mode, or
 * Redis unreachable) every replica probes for itself, on its local state.
 */
export class HealthProbeLease {
  /** The lease's value: which process probes (`<host>/<pid>/<random>`; the host is the pod's name). */
  readonly holder = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  private held = false;

  constructor(
    private readonly client: Redis | null,
    private readonly key: string,
    private readonly renewMs: number,
  ) {}

  /** Whether this replica should probe now; never throws, never waits longer than a Redis command. */
  async renew(): Promise<boolean> {
    if (this.client === null) return true;
    try {
      this.held = (await this.client.eval(ACQUIRE_SCRIPT, 1, this.key, this.holder, this.renewMs * 3)) === 1;
    } catch {
      this.held = true;
    }
    return this.held;
  }

  async release(): Promise<void> {
    if (this.client === null || !this.held) return;
    this.held = false;
    await this.client.eval(RELEASE_SCRIPT, 1, this.key, this.holder).catch(() => undefined);
  }
}
