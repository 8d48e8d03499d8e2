import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '@aigw/config';
import { LiveConfig } from '@aigw/config';
import type { MetricsSummary, MetricsSummaryRequest } from '@aigw/contracts';
import { GatewayError } from '@aigw/contracts';
import type { IntervalRow } from '../intervals/intervals.repository';
import { IntervalsRepository } from '../intervals/intervals.repository';
import type { Clock } from '../metrics.tokens';
import { CLOCK } from '../metrics.tokens';
import type { Counters } from '../usage/usage-counters';
import type { ApplicationAggregates } from './metrics-summary.mapper';
import { toMetricsSummary } from './metrics-summary.mapper';
import { TotalsRepository } from './totals.repository';

/** The `/metrics` report of the configured applications, from the totals and the interval history. */
@Injectable()
export class MetricsSummaryService {
  constructor(
    private readonly live: LiveConfig,
    private readonly totals: TotalsRepository,
    private readonly intervals: IntervalsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The configuration now: read once per operation. */
  private get config(): GatewayConfig {
    return this.live.config;
  }

  /** `applicationIds`: those of the configured applications to report (unknown ids are ignored); null: all. */
  async summary(request: MetricsSummaryRequest): Promise<MetricsSummary> {
    const wanted = request.applicationIds === null ? null : new Set(request.applicationIds);
    const apps = this.config.applications.filter((app) => wanted === null || wanted.has(app.id));
    const ids = apps.map((app) => app.id);
    let totals;
    let history;
    try {
      [totals, history] = await Promise.all([
        this.totals.forApplications(ids),
        this.intervals.latest(ids, this.config.metrics.historyCount),
      ]);
    } catch (error: unknown) {
      throw new GatewayError('service_unavailable', 'The metrics database is unavailable.', { cause: error });
    }
    const aggregates = new Map<
      string,
      { totals: Map<string, Counters>; history: Map<string, IntervalRow[]> }
    >(ids.map((id) => [id, { totals: new Map(), history: new Map() }]));
    for (const row of totals) aggregates.get(row.applicationId)?.totals.set(row.endpointId, row.counters);
    for (const row of history) {
      const byEndpoint = aggregates.get(row.applicationId)?.history;
      const rows = byEndpoint?.get(row.endpointId) ?? [];
      rows.push(row);
      byEndpoint?.set(row.endpointId, rows);
    }
    const empty: ApplicationAggregates = { totals: new Map(), history: new Map() };
    return toMetricsSummary({
      listen: this.config.server,
      settings: this.config.metrics,
      applications: apps.map((app) => ({ app, aggregates: aggregates.get(app.id) ?? empty })),
      now: this.clock.now(),
    });
  }
}
