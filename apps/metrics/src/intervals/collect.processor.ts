import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { GatewayConfig } from '@aigw/config';
import { LiveConfig } from '@aigw/config';
import { MetricsJobs } from '@aigw/contracts';
import type { Job } from '@aigw/jobs';
import { JobQueues } from '@aigw/jobs';
import type { Clock } from '../metrics.tokens';
import { CLOCK, JOB_QUEUES } from '../metrics.tokens';
import { collectCron, collectionWindow } from './collection-window';
import type { CollectResult } from './intervals.repository';
import { IntervalsRepository } from './intervals.repository';

/** The repeatable job carries nothing: each run reads the clock and the configuration. */
export type CollectJobData = Record<string, never>;

/**
 * The worker of the `metrics` queue, and the owner of its schedule: a repeatable `metrics.collect` job
 * (one run per tick across every replica) closes the finished intervals into the history and prunes
 * what `historyCount` no longer needs. Re-registering the schedule on start replaces it, so a new
 * interval length takes effect with the configuration that sets it; the history stays in Postgres.
 */
@Injectable()
export class CollectProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly #logger = new Logger('CollectProcessor');
  #unwatch: (() => void) | null = null;

  constructor(
    private readonly live: LiveConfig,
    @Inject(JOB_QUEUES) private readonly jobs: JobQueues,
    private readonly intervals: IntervalsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The configuration now: read once per operation. */
  private get config(): GatewayConfig {
    return this.live.config;
  }

  async onApplicationBootstrap(): Promise<void> {
    const queue = this.jobs.get<CollectJobData>(MetricsJobs.queue);
    queue.process((job) => this.handle(job));
    const cron = collectCron(this.config.metrics.collectionIntervalMinutes);
    await queue.schedule(MetricsJobs.collect, cron, {});
    this.#logger.log(
      `collecting every ${this.config.metrics.collectionIntervalMinutes} min (cron "${cron}"), ` +
        `keeping ${this.config.metrics.historyCount} intervals`,
    );
    // A new interval length re-registers the schedule; the history already collected stays.
    this.#unwatch = this.live.onChange((next, previous) => {
      const nextCron = collectCron(next.config.metrics.collectionIntervalMinutes);
      if (nextCron === collectCron(previous.config.metrics.collectionIntervalMinutes)) return;
      queue.schedule(MetricsJobs.collect, nextCron, {}).then(
        () => this.#logger.log(`collecting on cron "${nextCron}" from now on`),
        (error: unknown) => this.#logger.warn(`collect schedule not updated: ${String(error)}`),
      );
    });
  }

  onApplicationShutdown(): void {
    this.#unwatch?.();
  }

  async handle(job: Job<unknown>): Promise<void> {
    if (job.name !== MetricsJobs.collect) {
      this.#logger.warn(
        `job ${job.id} (${job.name}) ignored: the metrics queue only runs ${MetricsJobs.collect}`,
      );
      return;
    }
    await this.collect();
  }

  /** Closes every finished interval as of the clock's now; safe to run at any time, and concurrently. */
  async collect(): Promise<CollectResult> {
    const result = await this.intervals.collect(collectionWindow(this.clock.now(), this.config.metrics));
    if (result.intervalsClosed > 0 || result.intervalsPruned > 0)
      this.#logger.debug(
        `closed ${result.intervalsClosed} interval row(s), pruned ${result.intervalsPruned} history row(s) ` +
          `and ${result.requestIdsPruned} request id(s)`,
      );
    return result;
  }
}
