import { Controller, Get, Req } from '@nestjs/common';
import type { MetricsReport, MetricsSummaryRequest } from '@aigw/contracts';
import { GatewayError, MetricsSummarySchema, Subjects } from '@aigw/contracts';
import { BusClient } from '@aigw/messaging';
import type { FastifyRequest } from 'fastify';
import { ApplicationDirectory } from '../applications/application-directory';
import { ApiKeyAuthenticator } from '../auth/api-key.authenticator';

const SUMMARY_TIMEOUT_MS = 2_000;

/**
 * The usage metrics of the applications the caller's key may use, from the metrics service: the
 * ganrad openai-api-router `/metrics` JSON on its own path, and the same under `/v1`.
 */
@Controller()
export class MetricsController {
  constructor(
    private readonly auth: ApiKeyAuthenticator,
    private readonly directory: ApplicationDirectory,
    private readonly bus: BusClient,
  ) {}

  /** The seed's route; any `{env}` is accepted, as on the `/lb` route. */
  @Get('api/v1/:env/apirouter/metrics')
  seedRoute(@Req() req: FastifyRequest): Promise<MetricsReport> {
    return this.report(req);
  }

  @Get('v1/usage-metrics')
  usageMetrics(@Req() req: FastifyRequest): Promise<MetricsReport> {
    return this.report(req);
  }

  private async report(req: FastifyRequest): Promise<MetricsReport> {
    const consumer = this.auth.authenticate(req.headers, req.ip);
    const request: MetricsSummaryRequest = {
      applicationIds: this.directory.applications
        .filter((app) => this.auth.mayUse(consumer, app.id))
        .map((app) => app.id),
    };
    const reply = await this.bus.request<unknown>(Subjects.metrics.summary, request, {
      timeoutMs: SUMMARY_TIMEOUT_MS,
    });
    const summary = MetricsSummarySchema.safeParse(reply);
    if (!summary.success)
      throw new GatewayError('internal_error', 'The metrics service answered with an unexpected report.', {
        cause: summary.error,
      });
    return {
      ...summary.data,
      // The port this request came in on: GATEWAY_PORT may override the configuration's.
      listenPort: req.socket.localPort ?? summary.data.listenPort,
      endpointUri: req.url.split('?')[0] ?? req.url,
    };
  }
}
