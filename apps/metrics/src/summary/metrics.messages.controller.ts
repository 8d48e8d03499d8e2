import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { MetricsSummary } from '@aigw/contracts';
import { GatewayError, MetricsSummaryRequestSchema, Subjects } from '@aigw/contracts';
import { MetricsSummaryService } from './metrics-summary.service';

/** The metrics service's bus API (its health subject is answered by the shared health controller). */
@Controller()
export class MetricsMessagesController {
  constructor(private readonly summaries: MetricsSummaryService) {}

  @MessagePattern(Subjects.metrics.summary)
  async summary(@Payload() payload: unknown): Promise<MetricsSummary> {
    const request = MetricsSummaryRequestSchema.safeParse(payload);
    if (!request.success)
      throw new GatewayError(
        'invalid_request',
        'A metrics summary request needs "applicationIds" (a list or null).',
      );
    return this.summaries.summary(request.data);
  }
}
