import { Logger } from '@nestjs/common';
import type { UsageEvent } from '@aigw/contracts';
import { Queues } from '@aigw/contracts';
import type { JobQueue } from '@aigw/jobs';

/**
 * Hands each request's usage record to the `usage` queue, off the request path: the response never
 * waits for it, and a queue outage never fails a request. What could not be queued is counted and
 * logged (the metrics issue exports the count).
 */
export class UsageRecorder {
  private readonly logger = new Logger('UsageRecorder');
  private dropped = 0;

  constructor(private readonly queue: JobQueue<UsageEvent>) {}

  record(event: UsageEvent): void {
    this.queue
      .add(Queues.usage.job, event, { jobId: Queues.usage.jobId(event.requestId) })
      .catch((error: unknown) => {
        this.dropped++;
        this.logger.warn(
          `usage of request ${event.requestId} not queued (${this.dropped} so far): ${(error as Error).message}`,
        );
      });
  }

  get droppedCount(): number {
    return this.dropped;
  }
}
