import { Controller, Get, Req } from '@nestjs/common';
import type { RouterState } from '@aigw/contracts';
import { MetricsSummarySchema, RouterStateSchema, Subjects } from '@aigw/contracts';
import { BusClient } from '@aigw/messaging';
import type { FastifyRequest } from 'fastify';
import { AdminRequests } from '../http/admin-requests';
import { toMetricsSeries } from './metrics-series.mapper';
import type { MetricsSeries } from './metrics-series.schema';

/** The router answers from memory: a reply later than this means it is overloaded or gone. */
export const ROUTER_STATE_TIMEOUT_MS = 3_000;
/** The metrics service reads its history from Postgres. */
export const METRICS_SUMMARY_TIMEOUT_MS = 5_000;

/**
 * What the console shows live, asked of the services that own it over the bus: the router's endpoint
 * state (`router.v1.state`) and the metrics service's interval history (`metrics.v1.summary`). A
 * service that is not running is a 503, one that does not answer in time a 504.
 */
@Controller('admin/v1')
export class LiveStateController {
  constructor(
    private readonly bus: BusClient,
    private readonly requests: AdminRequests,
  ) {}

  @Get('state')
  async state(@Req() req: FastifyRequest): Promise<RouterState> {
    await this.requests.principal(req);
    const reply = await this.bus.request<unknown>(
      Subjects.router.state,
      { applicationIds: null },
      { timeoutMs: ROUTER_STATE_TIMEOUT_MS },
    );
    return RouterStateSchema.parse(reply);
  }

  @Get('metrics')
  async metrics(@Req() req: FastifyRequest): Promise<MetricsSeries> {
    await this.requests.principal(req);
    const reply = await this.bus.request<unknown>(
      Subjects.metrics.summary,
      { applicationIds: null },
      { timeoutMs: METRICS_SUMMARY_TIMEOUT_MS },
    );
    return toMetricsSeries(MetricsSummarySchema.parse(reply));
  }
}
