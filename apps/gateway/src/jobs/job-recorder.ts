import { Logger } from '@nestjs/common';
import type { JobQueue } from '@aigw/jobs';
import { jobsNotQueued } from '@aigw/observability';

export interface JobRecorderOptions<TData> {
  readonly jobName: string;
  /** Deterministic id (from the request id): a retried add never makes a second job. */
  readonly jobId: (data: TData) => string;
  /** Tries of the worker; with the backoff doubling, they span an outage of the worker's database. */
  readonly attempts: number;
  readonly backoffMs: number;
}

/** What `/health` reports of a recorder: the work it could not queue. */
export interface NotQueuedCounter {
  readonly name: string;
  readonly notQueuedCount: number;
}

/**
 * Durable work of the gateway (memory appends, prompt records) handed to a job queue off the request
 * path: the response never waits for it, and a queue outage (Redis down) never fails a request. What
 * could not be queued is counted (`notQueuedCount` on `/health`, `aigw_jobs_not_queued_total` on
 * `/metrics`) and logged.
 */
export class JobRecorder<TData> implements NotQueuedCounter {
  readonly #logger: Logger;
  #notQueued = 0;

  constructor(
    private readonly queue: JobQueue<TData>,
    private readonly options: JobRecorderOptions<TData>,
  ) {
    this.#logger = new Logger(`JobRecorder ${queue.name}`);
    // Exported at 0 from the start, so a rate over the first loss is defined.
    jobsNotQueued.inc({ queue: queue.name }, 0);
  }

  /** Resolves once the job is queued or given up on (never rejects). */
  record(data: TData): Promise<void> {
    const jobId = this.options.jobId(data);
    return this.queue
      .add(this.options.jobName, data, {
        jobId,
        attempts: this.options.attempts,
        backoffMs: this.options.backoffMs,
      })
      .catch((error: unknown) => {
        this.#notQueued++;
        jobsNotQueued.inc({ queue: this.queue.name });
        this.#logger.warn(`job ${jobId} not queued (${this.#notQueued} so far): ${(error as Error).message}`);
      });
  }

  get name(): string {
    return this.queue.name;
  }

  get notQueuedCount(): number {
    return this.#notQueued;
  }
}
