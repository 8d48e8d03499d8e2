import type { ApplicationMetrics, MetricsSummary } from '@aigw/contracts';
import type { MetricsPoint, MetricsSeries } from './metrics-series.schema';

interface Sums {
  requests: number;
  failed: number;
  tokens: number;
  latencySum: number;
  cacheHits: number;
}

/**
 * The history is kept per endpoint (only the intervals that had calls); a point is one interval start,
 * summed over every endpoint that has it. Latency is the call-weighted mean of the endpoints' means.
 */
export function toMetricsSeries(summary: MetricsSummary): MetricsSeries {
  const total = new Map<string, Sums>();
  const applications = summary.applicationMetrics.map((app) => {
    const sums = sumsOf(app);
    for (const [time, s] of sums) add(total, time, s);
    return { applicationId: app.applicationId, points: pointsOf(sums) };
  });
  return {
    intervalMinutes: summary.collectionIntervalMins,
    historyCount: summary.historyCount,
    readAt: summary.currentDate,
    total: pointsOf(total),
    applications,
  };
}

function sumsOf(app: ApplicationMetrics): Map<string, Sums> {
  const byTime = new Map<string, Sums>();
  for (const endpoint of app.endpointMetrics)
    for (const interval of Object.values(endpoint.metrics.history)) {
      const m = interval.collectedMetrics;
      add(byTime, interval.collectionTime, {
        requests: m.totalApiCalls,
        failed: m.failedApiCalls + m.throttledApiCalls + m.filteredApiCalls,
        tokens: Math.round(m.throughput.kTokensPerWindow * 1000),
        latencySum: m.latency.avgResponseTimeMsec * m.totalApiCalls,
        cacheHits: m.cacheHits,
      });
    }
  return byTime;
}

function add(into: Map<string, Sums>, time: string, s: Sums): void {
  const current = into.get(time);
  if (current === undefined) {
    into.set(time, { ...s });
    return;
  }
  current.requests += s.requests;
  current.failed += s.failed;
  current.tokens += s.tokens;
  current.latencySum += s.latencySum;
  current.cacheHits += s.cacheHits;
}

function pointsOf(byTime: ReadonlyMap<string, Sums>): MetricsPoint[] {
  return [...byTime.entries()]
    .sort(([a], [b]) => Date.parse(a) - Date.parse(b))
    .map(([time, s]) => ({
      time,
      requests: s.requests,
      failed: s.failed,
      tokens: s.tokens,
      latencyMs: s.requests > 0 ? s.latencySum / s.requests : null,
      cacheHits: s.cacheHits,
    }));
}
