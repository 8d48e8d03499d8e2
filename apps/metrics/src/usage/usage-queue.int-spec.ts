import type { TestingModule } from '@nestjs/testing';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { LiveConfig, resolveConfig } from '@aigw/config';
import type { UsageEvent } from '@aigw/contracts';
import { MetricsJobs, Queues } from '@aigw/contracts';
import { JobQueues } from '@aigw/jobs';
import { Queue } from 'bullmq';
import { deleteRedisKeys } from '@aigw/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { collectCron } from '../intervals/collection-window';
import { METRICS_DATA_SOURCE } from '../metrics.tokens';
import { MetricsModule } from '../metrics.module';
import { MetricsMessagesController } from '../summary/metrics.messages.controller';
import type { TestDatabase } from '../test/metrics-databases';
import { machineDatabase, waitFor } from '../test/metrics-databases';
import { usageEvent } from '../test/usage-event.fixture';
import type { UsageEntry } from './usage.repository';
import { UsageRepository } from './usage.repository';

jest.setTimeout(30_000);

const REDIS_URL = 'redis://127.0.0.1:6379';
/** Every key this run creates lives under this prefix, and is deleted at the end. */
const PREFIX = `aigw-test-metrics-${randomUUID()}`;

const config = resolveConfig(
  {
    auth: { required: false },
    applications: [{ id: 'chat', type: 'chat', endpoints: [{ id: 'primary', provider: 'mock' }] }],
  },
  {},
);

/**
 * Loses the acknowledgement of one job: its record is committed, then the attempt fails, as when a
 * worker dies between the commit and BullMQ's ack. The queue delivers it again.
 */
class AckLosingUsageRepository extends UsageRepository {
  readonly attempts = new Map<string, number>();

  constructor(
    db: DataSource,
    private readonly losing: string,
  ) {
    super(db);
  }

  override async recordAll(entries: readonly UsageEntry[], processedAt: Date): Promise<boolean[]> {
    let losing = false;
    for (const { event } of entries) {
      const attempt = (this.attempts.get(event.requestId) ?? 0) + 1;
      this.attempts.set(event.requestId, attempt);
      losing ||= event.requestId === this.losing && attempt === 1;
    }
    const counted = await super.recordAll(entries, processedAt);
    // The whole batch loses its ack, as when the worker dies after the commit: all are delivered again.
    if (losing) throw new Error('worker lost before the ack');
    return counted;
  }
}

describe('usage records through BullMQ on the machine Redis, aggregated on the machine Postgres', () => {
  let database: TestDatabase;
  let moduleRef: TestingModule;
  const workerJobs = new JobQueues({ mode: 'distributed', redisUrl: REDIS_URL, prefix: PREFIX });
  /** The gateway's side: another connection to the same queues. */
  const producerJobs = new JobQueues({ mode: 'distributed', redisUrl: REDIS_URL, prefix: PREFIX });
  const usageQueue = new Queue(Queues.usage.name, { connection: { url: REDIS_URL }, prefix: PREFIX });
  const metricsQueue = new Queue(MetricsJobs.queue, { connection: { url: REDIS_URL }, prefix: PREFIX });

  beforeAll(async () => {
    database = await machineDatabase();
    moduleRef = await Test.createTestingModule({
      imports: [
        MetricsModule.forRoot({
          live: LiveConfig.fromFile(config),
          databaseUrl: database.url,
          jobs: workerJobs,
        }),
      ],
    })
      .overrideProvider(UsageRepository)
      .useFactory({
        factory: (db: DataSource) => new AckLosingUsageRepository(db, 'req-0'),
        inject: [getDataSourceToken(METRICS_DATA_SOURCE)],
      })
      .compile();
    await moduleRef.init();
  });

  afterAll(async () => {
    await moduleRef?.close();
    await Promise.all([workerJobs.close(), producerJobs.close(), usageQueue.close(), metricsQueue.close()]);
    await database?.drop();
    await deleteRedisKeys(REDIS_URL, PREFIX);
  });

  it('counts every request exactly once: duplicate adds, a lost ack, a re-sent record, a malformed job', async () => {
    const producer = producerJobs.get<unknown>(Queues.usage.name);
    const events = Array.from({ length: 20 }, (_, i) =>
      usageEvent({ requestId: `req-${i}`, finishedAt: new Date().toISOString() }),
    );
    const add = (event: UsageEvent, jobId = Queues.usage.jobId(event.requestId)) =>
      producer.add(Queues.usage.job, event, { jobId, backoffMs: 50 });
    // Every record added twice (the queue dedupes by id)...
    await Promise.all([...events, ...events].map((event) => add(event)));
    // ...one sent again under another id (as after the queue forgot the first: Postgres dedupes)...
    await add(events[1], `${Queues.usage.jobId('req-1')}.again`);
    // ...and one that can never be valid.
    await producer.add(Queues.usage.job, { requestId: 'broken' }, { jobId: 'usage.broken', backoffMs: 50 });

    // 20 first deliveries + the lost ack's retry + the re-sent one + the malformed one.
    await waitFor(
      async () => (await usageQueue.getJobCounts('completed')).completed === 22,
      'every usage job to complete',
    );
    expect(await usageQueue.getJobCounts('failed', 'waiting', 'active', 'delayed')).toEqual({
      failed: 0,
      waiting: 0,
      active: 0,
      delayed: 0,
    });
    const repository = moduleRef.get<AckLosingUsageRepository>(UsageRepository);
    // Written again after the lost ack (with whatever shared its batch), and re-sent: counted once all the same.
    expect(repository.attempts.get('req-0')).toBeGreaterThanOrEqual(2);
    expect(repository.attempts.get('req-1')).toBeGreaterThanOrEqual(2);
    expect(repository.attempts.has('broken')).toBe(false);

    const summary = await moduleRef.get(MetricsMessagesController).summary({ applicationIds: ['chat'] });
    expect(summary.applicationMetrics[0]?.endpointMetrics[0]).toMatchObject({
      endpoint: 'primary',
      metrics: { apiCalls: 20, totalApiCalls: 20, kInferenceTokens: 0.3 },
    });
  });

  it('schedules the collect job once in Redis, on the interval of the configuration', async () => {
    const schedulers = await metricsQueue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.pattern])).toEqual([
      [MetricsJobs.collect, collectCron(config.metrics.collectionIntervalMinutes)],
    ]);
  });
});
