import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { GatewayConfig } from '@aigw/config';
import { LiveConfig, memoryPolicy } from '@aigw/config';
import type { MemoryAppendJob } from '@aigw/contracts';
import { MemoryAppendJobSchema, MemoryJobs } from '@aigw/contracts';
import type { Job } from '@aigw/jobs';
import { JobQueues } from '@aigw/jobs';
import { JOB_QUEUES } from '../memory.tokens';
import { ThreadsRepository } from './threads.repository';

export const APPEND_CONCURRENCY = 8;

export type AppendOutcome = 'appended' | 'duplicate' | 'released' | 'malformed';

/**
 * The worker of the `memory` queue: appends each turn to its thread exactly once (the repository
 * dedupes by request id). A database failure rejects, so the queue retries with backoff; a malformed
 * job is logged and dropped, since no retry could make it valid.
 */
@Injectable()
export class AppendProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly #logger = new Logger('AppendProcessor');
  readonly #running = new Set<Promise<unknown>>();
  #stopping = false;

  constructor(
    private readonly live: LiveConfig,
    @Inject(JOB_QUEUES) private readonly jobs: JobQueues,
    private readonly threads: ThreadsRepository,
  ) {}

  /** The configuration now: read once per operation. */
  private get config(): GatewayConfig {
    return this.live.config;
  }

  onApplicationBootstrap(): void {
    this.jobs
      .get<unknown>(MemoryJobs.queue)
      .process((job) => this.handle(job).then(() => undefined), { concurrency: APPEND_CONCURRENCY });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.#stopping = true;
    await Promise.allSettled([...this.#running]);
  }

  async handle(job: Job<unknown>): Promise<AppendOutcome> {
    if (this.#stopping) throw new Error('the memory service is stopping; the job will be retried');
    const parsed = MemoryAppendJobSchema.safeParse(job.data);
    if (!parsed.success || Number.isNaN(Date.parse(parsed.data.finishedAt))) {
      this.#logger.error(`memory job ${job.id} dropped, malformed`);
      return 'malformed';
    }
    const running = this.#append(parsed.data);
    this.#running.add(running);
    try {
      return await running;
    } finally {
      this.#running.delete(running);
    }
  }

  async #append(job: MemoryAppendJob): Promise<AppendOutcome> {
    const app = this.config.applications.find((a) => a.id === job.applicationId);
    const policy = app === undefined ? { msgCount: 5, expiryMs: null } : memoryPolicy(app, this.config);
    const appended = await this.threads.append(job, policy);
    if (job.reply === null) return 'released';
    return appended ? 'appended' : 'duplicate';
  }
}
