import type { TestingModule } from '@nestjs/testing';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { GatewayConfig } from '@aigw/config';
import { LiveConfig, resolveConfig } from '@aigw/config';
import type { MetricsSummary, UsageEvent } from '@aigw/contracts';
import { GatewayError, MetricsSummarySchema, NO_ENDPOINT, Queues } from '@aigw/contracts';
import { JobQueues } from '@aigw/jobs';
import type { DataSource } from 'typeorm';
import { CollectProcessor } from './intervals/collect.processor';
import { CLOCK, METRICS_DATA_SOURCE } from './metrics.tokens';
import { MetricsModule } from './metrics.module';
import { MetricsMessagesController } from './summary/metrics.messages.controller';
import type { TestDatabase } from './test/metrics-databases';
import { embeddedDatabase, FakeClock, machineDatabase, waitFor } from './test/metrics-databases';
import { SEED_METRICS_SAMPLE, shapeOf } from './test/seed-metrics.sample';
import { usageEvent } from './test/usage-event.fixture';
import { UsageProcessor } from './usage/usage.processor';

// PGlite compiles its WASM build on start: seconds.
jest.setTimeout(60_000);

const configWith = (metrics: { collectionIntervalMinutes: number; historyCount: number }): GatewayConfig =>
  resolveConfig(
    {
      auth: { required: false },
      server: { host: '127.0.0.1', port: 8080 },
      metrics,
      applications: [
        {
          id: 'chat',
          type: 'chat',
          endpoints: [
            { id: 'backup', provider: 'mock', priority: 1 },
            { id: 'primary', provider: 'openai-compatible', url: 'http://primary.test/v1', priority: 0 },
          ],
        },
        { id: 'embed', type: 'embeddings', endpoints: [{ id: 'e', provider: 'mock' }] },
      ],
    },
    {},
  );
const CONFIG = configWith({ collectionIntervalMinutes: 1, historyCount: 3 });

const job = (event: UsageEvent) => ({
  id: Queues.usage.jobId(event.requestId),
  name: Queues.usage.job,
  data: event as unknown,
  attempt: 1,
});

let sequence = 0;
/** A record of a request that ended at `finishedAt`, with a request id of its own. */
const record = (finishedAt: string, overrides: Partial<UsageEvent> = {}): UsageEvent =>
  usageEvent({ requestId: `req-${++sequence}`, finishedAt, ...overrides });

describe.each([
  ['the embedded Postgres', embeddedDatabase],
  ['the machine Postgres', machineDatabase],
])('MetricsModule on %s', (_label, openDatabase) => {
  let database: TestDatabase;
  const clock = new FakeClock('2026-03-01T10:00:10.000Z');
  const running: Array<{ moduleRef: TestingModule; jobs: JobQueues }> = [];

  beforeAll(async () => {
    database = await openDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  afterEach(async () => {
    for (const { moduleRef, jobs } of running.splice(0)) {
      await moduleRef.close();
      await jobs.close();
    }
  });

  /** Starts the service (migrations, workers, schedule) on the spec's database and fake clock. */
  const boot = async (config: GatewayConfig = CONFIG) => {
    const jobs = new JobQueues({ mode: 'embedded', redisUrl: null, prefix: 'test' });
    const moduleRef = await Test.createTestingModule({
      imports: [
        MetricsModule.forRoot({ live: LiveConfig.fromFile(config), databaseUrl: database.url, jobs }),
      ],
    })
      .overrideProvider(CLOCK)
      .useValue(clock)
      .compile();
    await moduleRef.init();
    running.push({ moduleRef, jobs });
    const messages = moduleRef.get(MetricsMessagesController);
    return {
      moduleRef,
      jobs,
      messages,
      processor: moduleRef.get(UsageProcessor),
      collector: moduleRef.get(CollectProcessor),
      summary: (applicationIds: string[] | null = null): Promise<MetricsSummary> =>
        messages.summary({ applicationIds }),
      stop: async () => {
        running.splice(
          running.findIndex((r) => r.moduleRef === moduleRef),
          1,
        );
        await moduleRef.close();
        await jobs.close();
      },
    };
  };

  /** Each case starts from empty tables (the migrations ran on the first boot). */
  beforeEach(async () => {
    clock.set('2026-03-01T10:00:10.000Z');
    const { moduleRef, stop } = await boot();
    const dataSource = moduleRef.get<DataSource>(getDataSourceToken(METRICS_DATA_SOURCE));
    await dataSource.query(
      'TRUNCATE metrics_processed_requests, metrics_minute_buckets, metrics_totals, metrics_intervals',
    );
    await stop();
  });

  const endpointOf = (summary: MetricsSummary, applicationId: string, endpoint: string) =>
    summary.applicationMetrics
      .find((a) => a.applicationId === applicationId)
      ?.endpointMetrics.find((e) => e.endpoint === endpoint)?.metrics;

  it('counts a usage record once, however often and however concurrently it is delivered', async () => {
    const { processor, summary } = await boot();
    const first = record('2026-03-01T10:00:01.000Z');
    expect(await processor.handle(job(first))).toEqual(['counted']);
    expect(await processor.handle(job(first))).toEqual(['duplicate']);

    const second = record('2026-03-01T10:00:02.000Z');
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => processor.handle(job(second))));
    expect(outcomes.flat().filter((o) => o === 'counted')).toHaveLength(1);

    expect(endpointOf(await summary(), 'chat', 'primary')).toMatchObject({ apiCalls: 2, totalApiCalls: 2 });
  });

  it('sums records written together in one batch per endpoint and minute', async () => {
    const { processor, summary } = await boot();
    const records = Array.from({ length: 40 }, (_, i) =>
      record(`2026-03-01T10:0${i % 2}:0${i % 10}.000Z`, {
        endpointId: i % 4 === 0 ? 'backup' : 'primary',
        promptTokens: 10,
        completionTokens: 5,
      }),
    );
    // Delivered at once: the group commit writes most of them in shared transactions.
    const outcomes = await Promise.all([...records, ...records].map((r) => processor.handle(job(r))));
    expect(outcomes.flat().filter((o) => o === 'counted')).toHaveLength(40);
    const report = await summary();
    expect(endpointOf(report, 'chat', 'primary')).toMatchObject({ apiCalls: 30, totalApiCalls: 30 });
    expect(endpointOf(report, 'chat', 'backup')).toMatchObject({ apiCalls: 10, kInferenceTokens: 0.15 });
  });

  it('aggregates what the gateway queues, through the usage queue, once per request id', async () => {
    const { jobs, summary } = await boot();
    const queue = jobs.get<unknown>(Queues.usage.name);
    const events = [record('2026-03-01T10:00:01.000Z'), record('2026-03-01T10:00:02.000Z')];
    for (const event of [...events, ...events])
      await queue.add(Queues.usage.job, event, { jobId: Queues.usage.jobId(event.requestId) });
    // The gateway's batches, one of them overlapping what came one by one (a redelivery).
    const later = [record('2026-03-01T10:00:03.000Z'), record('2026-03-01T10:00:04.000Z')];
    const batches = [[...later], [later[1], ...events]];
    for (const batch of batches) {
      const first = batch[0]?.requestId ?? 'none';
      await queue.add(Queues.usage.batchJob, { events: batch }, { jobId: Queues.usage.batchJobId(first) });
    }
    await waitFor(
      async () => endpointOf(await summary(), 'chat', 'primary')?.apiCalls === 4,
      'each of the four records to be aggregated once',
    );
    await waitFor(async () => {
      const counts = await queue.counts();
      return counts.waiting + counts.active + counts.delayed === 0;
    }, 'every job to be done');
    expect(endpointOf(await summary(), 'chat', 'primary')).toMatchObject({ apiCalls: 4 });
  });

  it('classifies and sums calls, tokens, latency and failovers per endpoint', async () => {
    const { processor, collector, summary } = await boot();
    const at = '2026-03-01T10:00:05.000Z';
    const events = [
      record(at, { promptTokens: 100, completionTokens: 50, latencyMs: 100 }),
      record(at, {
        stream: true,
        promptTokens: 200,
        completionTokens: 150,
        latencyMs: 300,
        timeToFirstTokenMs: 40,
      }),
      record(at, { status: 502, promptTokens: 0, completionTokens: 0, latencyMs: 50 }),
      record(at, { endpointId: 'backup', retries: 1, latencyMs: 80 }),
      record(at, { endpointId: null, status: 429, throttled: true, promptTokens: 0, completionTokens: 0 }),
      record(at, { applicationId: 'embed', endpointId: 'e', operation: 'embeddings', completionTokens: 0 }),
    ];
    for (const event of events) expect(await processor.handle(job(event))).toEqual(['counted']);
    clock.set('2026-03-01T10:01:00.000Z');
    await collector.collect();

    const report = await summary();
    expect(report.applicationMetrics.map((a) => a.applicationId)).toEqual(['chat', 'embed']);
    const [chat] = report.applicationMetrics;
    expect(chat?.endpointMetrics.map((e) => [e.endpoint, e.uri, e.priority])).toEqual([
      ['primary', 'http://primary.test/v1', 0],
      ['backup', null, 1],
      [NO_ENDPOINT, null, null],
    ]);
    const primary = endpointOf(report, 'chat', 'primary');
    expect(primary).toMatchObject({
      apiCalls: 2,
      failedApiCalls: 1,
      throttledApiCalls: 0,
      filteredApiCalls: 0,
      totalApiCalls: 3,
      kInferenceTokens: 0.5,
    });
    expect(primary?.history['0']).toEqual({
      collectionTime: '2026-03-01T10:00:00.000Z',
      intervalMinutes: 1,
      collectedMetrics: {
        apiCalls: 2,
        failedApiCalls: 1,
        throttledApiCalls: 0,
        filteredApiCalls: 0,
        totalApiCalls: 3,
        throughput: {
          kTokensPerWindow: 0.5,
          requestsPerWindow: 3,
          avgTokensPerCall: 500 / 3,
          avgRequestsPerCall: 1,
          tokensPerMinute: 500,
          requestsPerMinute: 3,
        },
        cacheHits: 0,
        latency: { avgResponseTimeMsec: 150, avgTimeToFirstTokenMsec: 40 },
      },
    });
    expect(endpointOf(report, 'chat', 'backup')?.history['0']?.collectedMetrics.throughput).toMatchObject({
      requestsPerWindow: 2,
      avgRequestsPerCall: 2,
    });
    expect(endpointOf(report, 'chat', NO_ENDPOINT)).toMatchObject({ throttledApiCalls: 1, totalApiCalls: 1 });
    expect(report).toMatchObject({
      successApiCalls: 4,
      cachedApiCalls: 0,
      failedApiCalls: 2,
      totalApiCalls: 6,
    });
  });

  it('counts provider-filtered calls and cache hits with their mean similarity, in totals and history', async () => {
    const { processor, collector, summary } = await boot();
    const at = '2026-03-01T10:00:05.000Z';
    const events = [
      record(at, { status: 400, errorCode: 'upstream_bad_request', completionTokens: 0 }),
      record(at, { status: 400, errorCode: 'invalid_request', completionTokens: 0 }),
      record(at, { cacheHit: true, cacheSimilarity: 0.9 }),
      record(at, { cacheHit: true, cacheSimilarity: 0.8 }),
      record(at, { cacheHit: true, cacheSimilarity: null }),
    ];
    for (const event of events) expect(await processor.handle(job(event))).toEqual(['counted']);
    // A record queued by a gateway that predates these fields still counts (they have defaults).
    const { errorCode: _e, cacheSimilarity: _s, requestedModel: _m, statusClass: _c, ...older } = record(at);
    expect(await processor.handle({ ...job(older as UsageEvent), data: older })).toEqual(['counted']);
    clock.set('2026-03-01T10:01:00.000Z');
    await collector.collect();

    const report = await summary(['chat']);
    const primary = endpointOf(report, 'chat', 'primary');
    expect(primary).toMatchObject({ apiCalls: 4, filteredApiCalls: 1, failedApiCalls: 1, totalApiCalls: 6 });
    expect(primary?.history['0']?.collectedMetrics).toMatchObject({
      filteredApiCalls: 1,
      failedApiCalls: 1,
      cacheHits: 3,
    });
    const [chat] = report.applicationMetrics;
    expect(chat?.cacheMetrics.hitCount).toBe(3);
    expect(chat?.cacheMetrics.avgScore).toBeCloseTo(0.85, 10);
    expect(report).toMatchObject({ cachedApiCalls: 3, failedApiCalls: 2, totalApiCalls: 6 });
  });

  it('keeps the finished intervals as history, bounded by historyCount, across restarts and reconfiguration', async () => {
    const calls = (summary: MetricsSummary) =>
      Object.values(endpointOf(summary, 'chat', 'primary')?.history ?? {}).map((h) => [
        h.collectionTime.slice(11, 16),
        h.collectedMetrics.apiCalls,
      ]);
    const first = await boot();
    // Two intervals: 10:00 (2 calls) and 10:01 (1 call), each closed by the collect job.
    for (const at of ['2026-03-01T10:00:20.000Z', '2026-03-01T10:00:40.000Z'])
      await first.processor.handle(job(record(at)));
    clock.set('2026-03-01T10:01:00.000Z');
    await first.collector.collect();
    expect(calls(await first.summary())).toEqual([['10:00', 2]]);
    clock.set('2026-03-01T10:01:30.000Z');
    await first.processor.handle(job(record('2026-03-01T10:01:30.000Z')));
    expect(calls(await first.summary())).toEqual([['10:00', 2]]); // 10:01 is still open
    clock.set('2026-03-01T10:02:00.000Z');
    await first.collector.collect();
    expect(calls(await first.summary())).toEqual([
      ['10:00', 2],
      ['10:01', 1],
    ]);

    // A record of 10:01 aggregated late lands in 10:01 when the next run closes 10:02 and 10:03.
    clock.set('2026-03-01T10:02:30.000Z');
    await first.processor.handle(job(record('2026-03-01T10:01:59.000Z')));
    await first.processor.handle(job(record('2026-03-01T10:02:30.000Z')));
    clock.set('2026-03-01T10:03:30.000Z');
    await first.processor.handle(job(record('2026-03-01T10:03:30.000Z')));
    clock.set('2026-03-01T10:04:00.000Z');
    await first.collector.collect();
    // historyCount 3: 10:00 is gone.
    expect(calls(await first.summary())).toEqual([
      ['10:01', 2],
      ['10:02', 1],
      ['10:03', 1],
    ]);
    expect(endpointOf(await first.summary(), 'chat', 'primary')?.apiCalls).toBe(6);
    await first.stop();

    // A restart keeps it; so does a new configuration, whose historyCount bounds what is shown at once.
    const restarted = await boot();
    expect(calls(await restarted.summary())).toEqual([
      ['10:01', 2],
      ['10:02', 1],
      ['10:03', 1],
    ]);
    await restarted.stop();
    const reconfigured = await boot(configWith({ collectionIntervalMinutes: 5, historyCount: 2 }));
    const report = await reconfigured.summary();
    expect(report).toMatchObject({ collectionIntervalMins: 5, historyCount: 2 });
    expect(calls(report)).toEqual([
      ['10:02', 1],
      ['10:03', 1],
    ]);
  });

  it('answers for the requested applications only, in the seed’s JSON shape', async () => {
    const { processor, collector, summary } = await boot();
    await processor.handle(job(record('2026-03-01T10:00:05.000Z')));
    await processor.handle(
      job(record('2026-03-01T10:00:05.000Z', { applicationId: 'embed', endpointId: 'e' })),
    );
    clock.set('2026-03-01T10:01:00.000Z');
    await collector.collect();

    const onlyEmbed = await summary(['embed', 'not-configured']);
    expect(onlyEmbed.applicationMetrics.map((a) => a.applicationId)).toEqual(['embed']);
    expect(onlyEmbed.totalApiCalls).toBe(1);
    expect((await summary([])).applicationMetrics).toEqual([]);

    const report = await summary(['chat']);
    expect(MetricsSummarySchema.parse(report)).toEqual(report);
    const ours = shapeOf({ ...report, endpointUri: '/api/v1/dev/apirouter/metrics' });
    const seed = shapeOf(SEED_METRICS_SAMPLE);
    // Every field of the seed, with its type, but two: the seed prints listenPort as a string, and
    // usage records carry no cache similarity score yet (null).
    const differences = [...seed].filter(([path, type]) => ours.get(path) !== type);
    expect(differences).toEqual([
      ['listenPort', 'string'],
      ['applicationMetrics[].cacheMetrics.avgScore', 'number'],
    ]);
    // And our additions, no more.
    expect([...ours.keys()].filter((path) => !seed.has(path))).toEqual([
      'applicationMetrics[].endpointMetrics[].uri',
      'applicationMetrics[].endpointMetrics[].metrics.history.#.intervalMinutes',
      'applicationMetrics[].endpointMetrics[].metrics.history.#.collectedMetrics.cacheHits',
      'applicationMetrics[].endpointMetrics[].metrics.history.#.collectedMetrics.latency.avgTimeToFirstTokenMsec',
    ]);
  });

  it('refuses a malformed summary request with a typed error', async () => {
    const { messages } = await boot();
    const error: unknown = await messages.summary({ applicationIds: 'chat' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('invalid_request');
  });
});
