import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import Redis from 'ioredis';
import { freePort } from './node-process';

/** A `redis-server` of the test's own, to kill for an outage test (never the machine's shared one). */
export class ThrowawayRedis {
  private constructor(
    private child: ChildProcess,
    readonly port: number,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(port?: number): Promise<ThrowawayRedis> {
    port ??= await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    const redis = new ThrowawayRedis(child, port);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis(redis.url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.ping();
        return redis;
      } catch (error: unknown) {
        if (Date.now() > deadline || child.exitCode !== null) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        probe.disconnect();
      }
    }
  }

  /** Starts it again on the same port (an outage that ends), empty: it keeps nothing on disk. */
  async restart(): Promise<void> {
    await this.kill();
    this.child = (await ThrowawayRedis.start(this.port)).child;
  }

  /** SIGKILL: the outage is abrupt, as a crash would be. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }
}
