import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { GatewayConfig } from '@aigw/config';
import { LiveConfig } from '@aigw/config';
import { MemoryJobs } from '@aigw/contracts';
import type { Job } from '@aigw/jobs';
import { JobQueues } from '@aigw/jobs';
import type { Clock } from '../memory.tokens';
import { CLOCK, JOB_QUEUES } from '../memory.tokens';
import { ThreadsRepository } from '../threads/threads.repository';

/** The repeatable job carries nothing: each run reads the clock. */
export type SweepJobData = Record<string, never>;

/**
 * The worker of the `memory-sweep` queue and owner of its schedule (the seed's memory invalidator,
 * `memoryInvalidationSchedule`): a repeatable `memory.sweep` job deletes the expired threads, one run
 * per tick across every replica. Loads refuse an expired thread even before the sweep deletes it.
 */
@Injectable()
export class SweepProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly #logger = new Logger('MemorySweep');
  #unwatch: (() => void) | null = null;

  constructor(
    private readonly live: LiveConfig,
    @Inject(JOB_QUEUES) private readonly jobs: JobQueues,
    private readonly threads: ThreadsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The configuration now: read once per operation. */
  private get config(): GatewayConfig {
    return this.live.config;
  }

  async onApplicationBootstrap(): Promise<void> {
    const queue = this.jobs.get<SweepJobData>(MemoryJobs.sweepQueue);
    queue.process((job) => this.handle(job));
    const cron = this.config.memorySettings.memoryInvalidationSchedule;
    await queue.schedule(MemoryJobs.sweep, cron, {});
    this.#logger.log(`deleting expired threads on cron "${cron}"`);
    this.#unwatch = this.live.onChange((next, previous) => {
      const nextCron = next.config.memorySettings.memoryInvalidationSchedule;
      if (nextCron === previous.config.memorySettings.memoryInvalidationSchedule) return;
      queue.schedule(MemoryJobs.sweep, nextCron, {}).then(
        () => this.#logger.log(`deleting expired threads on cron "${nextCron}" from now on`),
        (error: unknown) => this.#logger.warn(`sweep schedule not updated: ${String(error)}`),
      );
    });
  }

  onApplicationShutdown(): void {
    this.#unwatch?.();
  }

  async handle(job: Job<unknown>): Promise<void> {
    if (job.name !== MemoryJobs.sweep) {
      this.#logger.warn(`job ${job.id} (${job.name}) ignored: this queue only runs ${MemoryJobs.sweep}`);
      return;
    }
    await this.sweep();
  }

  /** Deletes every thread expired as of the clock's now; safe to run at any time, and concurrently. */
  async sweep(): Promise<number> {
    const deleted = await this.threads.deleteExpired(this.clock.now());
    if (deleted > 0) this.#logger.debug(`deleted ${deleted} expired thread(s)`);
    return deleted;
  }
}
