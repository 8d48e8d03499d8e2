import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { PromptJobs, PromptRecordSchema } from '@aigw/contracts';
import type { Job } from '@aigw/jobs';
import { JobQueues } from '@aigw/jobs';
import type { Clock } from '../memory.tokens';
import { CLOCK, JOB_QUEUES } from '../memory.tokens';
import { PromptsRepository } from './prompts.repository';

export const PROMPT_CONCURRENCY = 8;

export type PromptOutcome = 'stored' | 'duplicate' | 'malformed';

/**
 * The worker of the `prompts` queue: stores each request once (the table's key is the request id,
 * so a redelivered job changes nothing). A database failure rejects and the queue retries with
 * backoff; a malformed record is logged and dropped.
 */
@Injectable()
export class PromptsProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly #logger = new Logger('PromptsProcessor');
  readonly #running = new Set<Promise<unknown>>();
  #stopping = false;

  constructor(
    @Inject(JOB_QUEUES) private readonly jobs: JobQueues,
    private readonly prompts: PromptsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs
      .get<unknown>(PromptJobs.queue)
      .process((job) => this.handle(job).then(() => undefined), { concurrency: PROMPT_CONCURRENCY });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.#stopping = true;
    await Promise.allSettled([...this.#running]);
  }

  async handle(job: Job<unknown>): Promise<PromptOutcome> {
    if (this.#stopping) throw new Error('the memory service is stopping; the job will be retried');
    const parsed = PromptRecordSchema.safeParse(job.data);
    if (!parsed.success || Number.isNaN(Date.parse(parsed.data.finishedAt))) {
      this.#logger.error(`prompt job ${job.id} dropped, malformed`);
      return 'malformed';
    }
    const storing = this.prompts.insert(parsed.data, this.clock.now());
    this.#running.add(storing);
    try {
      return (await storing) ? 'stored' : 'duplicate';
    } finally {
      this.#running.delete(storing);
    }
  }
}
