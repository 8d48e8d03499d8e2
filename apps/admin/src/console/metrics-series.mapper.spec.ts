import type { EndpointMetrics, IntervalMetrics, MetricsSummary } from '@aigw/contracts';
import { toMetricsSeries } from './metrics-series.mapper';

const interval = (
  time: string,
  calls: {
    total: number;
    failed?: number;
    throttled?: number;
    kTokens?: number;
    latency?: number;
    hits?: number;
  },
): IntervalMetrics => ({
  collectionTime: time,
  intervalMinutes: 1,
  collectedMetrics: {
    apiCalls: calls.total - (calls.failed ?? 0) - (calls.throttled ?? 0),
    failedApiCalls: calls.failed ?? 0,
    throttledApiCalls: calls.throttled ?? 0,
    filteredApiCalls: 0,
    totalApiCalls: calls.total,
    throughput: {
      kTokensPerWindow: calls.kTokens ?? 0,
      requestsPerWindow: calls.total,
      avgTokensPerCall: 0,
      avgRequestsPerCall: 1,
      tokensPerMinute: 0,
      requestsPerMinute: calls.total,
    },
    cacheHits: calls.hits ?? 0,
    latency: { avgResponseTimeMsec: calls.latency ?? 0, avgTimeToFirstTokenMsec: null },
  },
});

const endpoint = (id: string, history: IntervalMetrics[]): EndpointMetrics => ({
  endpoint: id,
  uri: null,
  priority: 0,
  metrics: {
    apiCalls: 0,
    failedApiCalls: 0,
    throttledApiCalls: 0,
    filteredApiCalls: 0,
    totalApiCalls: 0,
    kInferenceTokens: 0,
    history: Object.fromEntries(history.map((h, i) => [String(i), h])),
  },
});

const T1 = '2026-03-01T10:00:00.000Z';
const T2 = '2026-03-01T10:01:00.000Z';
const T3 = '2026-03-01T10:02:00.000Z';

const summary = (applicationMetrics: MetricsSummary['applicationMetrics']): MetricsSummary => ({
  listenPort: 8080,
  instanceName: '127.0.0.1',
  collectionIntervalMins: 1,
  historyCount: 10,
  applicationMetrics,
  successApiCalls: 0,
  cachedApiCalls: 0,
  failedApiCalls: 0,
  totalApiCalls: 0,
  currentDate: T3,
  status: 'OK',
});

describe('toMetricsSeries', () => {
  const series = toMetricsSeries(
    summary([
      {
        applicationId: 'chat',
        cacheMetrics: { hitCount: 0, avgScore: null },
        endpointMetrics: [
          // Out of order on purpose: points come out oldest first.
          endpoint('primary', [
            interval(T2, { total: 3, failed: 1, kTokens: 0.3, latency: 200, hits: 1 }),
            interval(T1, { total: 1, kTokens: 0.1, latency: 100 }),
          ]),
          endpoint('backup', [interval(T2, { total: 1, kTokens: 0.05, latency: 600 })]),
          endpoint('(none)', [interval(T2, { total: 2, throttled: 2 })]),
        ],
      },
      {
        applicationId: 'embed',
        cacheMetrics: { hitCount: 0, avgScore: null },
        endpointMetrics: [endpoint('e', [interval(T3, { total: 4, kTokens: 0.008, latency: 10 })])],
      },
      { applicationId: 'idle', cacheMetrics: { hitCount: 0, avgScore: null }, endpointMetrics: [] },
    ]),
  );

  it('sums each interval over the endpoints, the refused calls included, oldest first', () => {
    const chat = series.applications.find((a) => a.applicationId === 'chat')?.points;
    expect(chat).toEqual([
      { time: T1, requests: 1, failed: 0, tokens: 100, latencyMs: 100, cacheHits: 0 },
      // Latency weighted by calls: (3×200 + 1×600 + 2×0) / 6.
      { time: T2, requests: 6, failed: 3, tokens: 350, latencyMs: 200, cacheHits: 1 },
    ]);
  });

  it('adds the applications up into the total, and keeps an application without history empty', () => {
    expect(series.total.map((p) => [p.time, p.requests, p.tokens])).toEqual([
      [T1, 1, 100],
      [T2, 6, 350],
      [T3, 4, 8],
    ]);
    expect(series.applications.find((a) => a.applicationId === 'idle')?.points).toEqual([]);
    expect(series).toMatchObject({ intervalMinutes: 1, historyCount: 10, readAt: T3 });
  });

  it('has no latency for an interval without calls, rather than a division by zero', () => {
    const empty = toMetricsSeries(
      summary([
        {
          applicationId: 'chat',
          cacheMetrics: { hitCount: 0, avgScore: null },
          endpointMetrics: [endpoint('a', [interval(T1, { total: 0 })])],
        },
      ]),
    );
    expect(empty.total).toEqual([
      { time: T1, requests: 0, failed: 0, tokens: 0, latencyMs: null, cacheHits: 0 },
    ]);
  });
});
