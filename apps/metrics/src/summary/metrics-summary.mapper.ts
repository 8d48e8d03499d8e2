import type { MetricsSettings, ResolvedApplication } from '@aigw/config';
import type { ApplicationMetrics, EndpointMetrics, IntervalMetrics, MetricsSummary } from '@aigw/contracts';
import { NO_ENDPOINT } from '@aigw/contracts';
import type { IntervalRow } from '../intervals/intervals.repository';
import { NO_ENDPOINT_ID } from '../storage/aggregate-keys';
import type { Counters } from '../usage/usage-counters';
import { addCounters, ZERO_COUNTERS } from '../usage/usage-counters';

/** The stored aggregates of one application, by endpoint id (`NO_ENDPOINT_ID` included). */
export interface ApplicationAggregates {
  readonly totals: ReadonlyMap<string, Counters>;
  /** Oldest first. */
  readonly history: ReadonlyMap<string, readonly IntervalRow[]>;
}

export interface SummaryInput {
  readonly listen: { readonly host: string; readonly port: number };
  readonly settings: MetricsSettings;
  readonly applications: ReadonlyArray<{ app: ResolvedApplication; aggregates: ApplicationAggregates }>;
  readonly now: Date;
}

const ratio = (numerator: number, denominator: number): number =>
  denominator > 0 ? numerator / denominator : 0;

const tokensOf = (c: Counters): number => c.promptTokens + c.completionTokens;

function callCounters(c: Counters) {
  return {
    apiCalls: c.apiCalls,
    failedApiCalls: c.failedApiCalls,
    throttledApiCalls: c.throttledApiCalls,
    filteredApiCalls: c.filteredApiCalls,
    totalApiCalls: c.totalApiCalls,
  };
}

/** One history entry in the seed's shape, from an interval's sums. */
export function toIntervalMetrics(row: IntervalRow): IntervalMetrics {
  const c = row.counters;
  const tokens = tokensOf(c);
  const upstreamRequests = c.totalApiCalls + c.retries;
  return {
    collectionTime: row.intervalStart.toISOString(),
    intervalMinutes: row.intervalMinutes,
    collectedMetrics: {
      ...callCounters(c),
      throughput: {
        kTokensPerWindow: tokens / 1000,
        requestsPerWindow: upstreamRequests,
        avgTokensPerCall: ratio(tokens, c.totalApiCalls),
        avgRequestsPerCall: ratio(upstreamRequests, c.totalApiCalls),
        tokensPerMinute: tokens / row.intervalMinutes,
        requestsPerMinute: c.totalApiCalls / row.intervalMinutes,
      },
      cacheHits: c.cacheHits,
      latency: {
        avgResponseTimeMsec: ratio(c.latencyMsSum, c.totalApiCalls),
        avgTimeToFirstTokenMsec: c.ttftCount > 0 ? c.ttftMsSum / c.ttftCount : null,
      },
    },
  };
}

interface ListedEndpoint {
  /** As reported. */
  readonly id: string;
  /** As stored. */
  readonly key: string;
  readonly uri: string | null;
  readonly priority: number | null;
}

function toEndpointMetrics(
  endpoint: ListedEndpoint,
  totals: Counters,
  history: readonly IntervalRow[],
): EndpointMetrics {
  return {
    endpoint: endpoint.id,
    uri: endpoint.uri,
    priority: endpoint.priority,
    metrics: {
      ...callCounters(totals),
      kInferenceTokens: tokensOf(totals) / 1000,
      history: Object.fromEntries(history.map((row, i) => [String(i), toIntervalMetrics(row)])),
    },
  };
}

/**
 * The configured endpoints in priority order (with or without traffic), then the requests no
 * endpoint answered when there are any. Endpoints since removed from the configuration keep their rows
 * but are not listed.
 */
function toApplicationMetrics(
  app: ResolvedApplication,
  aggregates: ApplicationAggregates,
): { metrics: ApplicationMetrics; sums: Counters } {
  const listed: ListedEndpoint[] = app.endpoints.map((e) => ({
    id: e.id,
    key: e.id,
    uri: e.url ?? null,
    priority: e.priority,
  }));
  if (aggregates.totals.has(NO_ENDPOINT_ID) || aggregates.history.has(NO_ENDPOINT_ID))
    listed.push({ id: NO_ENDPOINT, key: NO_ENDPOINT_ID, uri: null, priority: null });
  let sums = ZERO_COUNTERS;
  const endpointMetrics = listed.map((endpoint) => {
    const totals = aggregates.totals.get(endpoint.key) ?? ZERO_COUNTERS;
    sums = addCounters(sums, totals);
    return toEndpointMetrics(endpoint, totals, aggregates.history.get(endpoint.key) ?? []);
  });
  return {
    metrics: {
      applicationId: app.id,
      cacheMetrics: {
        hitCount: sums.cacheHits,
        avgScore: sums.cacheScoreCount > 0 ? sums.cacheScoreSum / sums.cacheScoreCount : null,
      },
      endpointMetrics,
    },
    sums,
  };
}

/** The seed's `/metrics` JSON (see `MetricsSummarySchema` for where and why it deviates). */
export function toMetricsSummary(input: SummaryInput): MetricsSummary {
  let sums = ZERO_COUNTERS;
  const applicationMetrics = input.applications.map(({ app, aggregates }) => {
    const application = toApplicationMetrics(app, aggregates);
    sums = addCounters(sums, application.sums);
    return application.metrics;
  });
  return {
    listenPort: input.listen.port,
    instanceName: input.listen.host,
    collectionIntervalMins: input.settings.collectionIntervalMinutes,
    historyCount: input.settings.historyCount,
    applicationMetrics,
    successApiCalls: Math.max(0, sums.apiCalls - sums.cacheHits),
    cachedApiCalls: sums.cacheHits,
    failedApiCalls: sums.failedApiCalls + sums.throttledApiCalls + sums.filteredApiCalls,
    totalApiCalls: sums.totalApiCalls,
    currentDate: input.now.toISOString(),
    status: 'OK',
  };
}
