import { resolveConfig } from '@aigw/config';
import { MetricsSummarySchema, NO_ENDPOINT } from '@aigw/contracts';
import type { IntervalRow } from '../intervals/intervals.repository';
import { NO_ENDPOINT_ID } from '../storage/aggregate-keys';
import type { Counters } from '../usage/usage-counters';
import { ZERO_COUNTERS } from '../usage/usage-counters';
import { toIntervalMetrics, toMetricsSummary } from './metrics-summary.mapper';

const config = resolveConfig(
  {
    auth: { required: false },
    server: { host: '0.0.0.0', port: 8000 },
    metrics: { collectionIntervalMinutes: 5, historyCount: 3 },
    applications: [
      {
        id: 'chat',
        type: 'chat',
        endpoints: [
          { id: 'backup', provider: 'openai', url: 'https://api.openai.com/v1', priority: 2 },
          { id: 'primary', provider: 'mock', priority: 1 },
        ],
      },
      { id: 'embed', type: 'embeddings', endpoints: [{ id: 'e', provider: 'mock' }] },
    ],
  },
  {},
);
const [chat, embed] = config.applications;

const counters = (values: Partial<Counters>): Counters => ({ ...ZERO_COUNTERS, ...values });

const interval = (start: string, values: Partial<Counters>, minutes = 5): IntervalRow => ({
  applicationId: 'chat',
  endpointId: 'primary',
  intervalStart: new Date(start),
  intervalMinutes: minutes,
  counters: counters(values),
});

describe('toIntervalMetrics', () => {
  it('derives the seed’s throughput and latency figures from the interval’s sums', () => {
    const entry = toIntervalMetrics(
      interval('2026-03-01T10:00:00.000Z', {
        apiCalls: 8,
        failedApiCalls: 1,
        throttledApiCalls: 1,
        totalApiCalls: 10,
        promptTokens: 3000,
        completionTokens: 1500,
        latencyMsSum: 2500,
        ttftMsSum: 300,
        ttftCount: 3,
        retries: 2,
        cacheHits: 3,
      }),
    );
    expect(entry).toEqual({
      collectionTime: '2026-03-01T10:00:00.000Z',
      intervalMinutes: 5,
      collectedMetrics: {
        apiCalls: 8,
        failedApiCalls: 1,
        throttledApiCalls: 1,
        filteredApiCalls: 0,
        totalApiCalls: 10,
        throughput: {
          kTokensPerWindow: 4.5,
          requestsPerWindow: 12,
          avgTokensPerCall: 450,
          avgRequestsPerCall: 1.2,
          tokensPerMinute: 900,
          requestsPerMinute: 2,
        },
        cacheHits: 3,
        latency: { avgResponseTimeMsec: 250, avgTimeToFirstTokenMsec: 100 },
      },
    });
  });

  it('reports zeros, not NaN, and no time to first token, for an interval without calls', () => {
    const { throughput, latency } = toIntervalMetrics(
      interval('2026-03-01T10:00:00.000Z', {}),
    ).collectedMetrics;
    expect(Object.values(throughput)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(latency).toEqual({ avgResponseTimeMsec: 0, avgTimeToFirstTokenMsec: null });
  });
});

describe('toMetricsSummary', () => {
  const now = new Date('2026-03-01T10:17:00.000Z');
  const summaryOf = (applications: Parameters<typeof toMetricsSummary>[0]['applications']) =>
    toMetricsSummary({ listen: config.server, settings: config.metrics, applications, now });

  it('lists endpoints in priority order with their URL, then the calls no endpoint answered', () => {
    const summary = summaryOf([
      {
        app: chat,
        aggregates: {
          totals: new Map([
            [
              'primary',
              counters({
                apiCalls: 3,
                totalApiCalls: 3,
                promptTokens: 900,
                completionTokens: 300,
                cacheHits: 1,
              }),
            ],
            [NO_ENDPOINT_ID, counters({ throttledApiCalls: 2, totalApiCalls: 2 })],
          ]),
          history: new Map([
            [
              'primary',
              [
                interval('2026-03-01T10:05:00.000Z', { apiCalls: 1, totalApiCalls: 1 }),
                interval('2026-03-01T10:10:00.000Z', { apiCalls: 2, totalApiCalls: 2 }),
              ],
            ],
          ]),
        },
      },
      { app: embed, aggregates: { totals: new Map(), history: new Map() } },
    ]);

    expect(MetricsSummarySchema.parse(summary)).toEqual(summary);
    expect(summary).toMatchObject({
      listenPort: 8000,
      instanceName: '0.0.0.0',
      collectionIntervalMins: 5,
      historyCount: 3,
      successApiCalls: 2,
      cachedApiCalls: 1,
      failedApiCalls: 2,
      totalApiCalls: 5,
      currentDate: '2026-03-01T10:17:00.000Z',
      status: 'OK',
    });
    const [chatMetrics, embedMetrics] = summary.applicationMetrics;
    expect(chatMetrics?.cacheMetrics).toEqual({ hitCount: 1, avgScore: null });
    expect(chatMetrics?.endpointMetrics.map((e) => [e.endpoint, e.uri, e.priority])).toEqual([
      ['primary', null, 1],
      ['backup', 'https://api.openai.com/v1', 2],
      [NO_ENDPOINT, null, null],
    ]);
    const primary = chatMetrics?.endpointMetrics[0]?.metrics;
    expect(primary?.kInferenceTokens).toBe(1.2);
    expect(Object.keys(primary?.history ?? {})).toEqual(['0', '1']);
    expect(primary?.history['0']?.collectionTime).toBe('2026-03-01T10:05:00.000Z');
    expect(chatMetrics?.endpointMetrics[1]?.metrics).toEqual({
      apiCalls: 0,
      failedApiCalls: 0,
      throttledApiCalls: 0,
      filteredApiCalls: 0,
      totalApiCalls: 0,
      kInferenceTokens: 0,
      history: {},
    });
    expect(embedMetrics?.endpointMetrics.map((e) => e.endpoint)).toEqual(['e']);
  });

  it('reports the mean similarity of the cache hits that have one, over all endpoints', () => {
    const summary = summaryOf([
      {
        app: chat,
        aggregates: {
          totals: new Map([
            [
              'primary',
              counters({
                apiCalls: 3,
                totalApiCalls: 3,
                cacheHits: 2,
                cacheScoreSum: 1.8,
                cacheScoreCount: 2,
              }),
            ],
            [
              'backup',
              counters({
                apiCalls: 2,
                totalApiCalls: 2,
                cacheHits: 2,
                cacheScoreSum: 0.7,
                cacheScoreCount: 1,
              }),
            ],
          ]),
          history: new Map(),
        },
      },
    ]);
    expect(summary.applicationMetrics[0]?.cacheMetrics).toEqual({ hitCount: 4, avgScore: 2.5 / 3 });
    expect(summary.cachedApiCalls).toBe(4);
  });

  it('counts the calls a provider filtered apart from the failed ones', () => {
    const summary = summaryOf([
      {
        app: chat,
        aggregates: {
          totals: new Map([
            ['primary', counters({ filteredApiCalls: 2, failedApiCalls: 1, totalApiCalls: 3 })],
          ]),
          history: new Map([
            ['primary', [interval('2026-03-01T10:05:00.000Z', { filteredApiCalls: 2, totalApiCalls: 2 })]],
          ]),
        },
      },
    ]);
    const primary = summary.applicationMetrics[0]?.endpointMetrics[0]?.metrics;
    expect(primary).toMatchObject({ filteredApiCalls: 2, failedApiCalls: 1, totalApiCalls: 3 });
    expect(primary?.history['0']?.collectedMetrics).toMatchObject({ filteredApiCalls: 2, totalApiCalls: 2 });
    expect(summary.failedApiCalls).toBe(3);
  });
});
