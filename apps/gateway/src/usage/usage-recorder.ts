import { Logger } from '@nestjs/common';
import type { UsageEvent } from '@aigw/contracts';
import { Queues } from '@aigw/contracts';
import type { JobQueue } from '@aigw/jobs';
import { usageRecordsDropped } from '@aigw/observability';
import type { IncomingMessage } from 'node:http';
import { recordRequestMetrics } from '../telemetry/request.metrics';
import { setRequestOutcome } from '../telemetry/request-outcome';
import type { RequestUsage } from './request-usage';

/**
 * The end of every inference request: its usage record goes to the `usage` queue, off the request
 * path (the response never waits for it, and a queue outage never fails a request; what could not be
 * queued is counted in `aigw_usage_records_dropped_total` and logged), its Prometheus counters are
 * recorded, and its outcome is left for the access-log line of the HTTP request.
 */
export class UsageRecorder {
  private readonly logger = new Logger('UsageRecorder');
  private dropped = 0;

  constructor(private readonly queue: JobQueue<UsageEvent>) {}

  /** Once per request, as its response ends (`payloads`: the bodies, when its application logs them). */
  finished(
    request: IncomingMessage,
    usage: RequestUsage,
    status: number,
    payloads?: { request: unknown; response: unknown },
  ): UsageEvent {
    const event = usage.finish(status);
    this.record(event);
    recordRequestMetrics(event);
    setRequestOutcome(request, { event, upstreamMs: usage.upstreamResponseMs, payloads: payloads ?? null });
    return event;
  }

  record(event: UsageEvent): void {
    this.queue
      .add(Queues.usage.job, event, { jobId: Queues.usage.jobId(event.requestId) })
      .catch((error: unknown) => {
        this.dropped++;
        usageRecordsDropped.inc();
        this.logger.warn(
          `usage of request ${event.requestId} not queued (${this.dropped} so far): ${(error as Error).message}`,
        );
      });
  }

  get droppedCount(): number {
    return this.dropped;
  }
}
