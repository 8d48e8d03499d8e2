import type { TestingModule } from '@nestjs/testing';
import { Test } from '@nestjs/testing';
import { LiveConfig, resolveConfig } from '@aigw/config';
import type { MemoryAppendJob, PromptRecord } from '@aigw/contracts';
import { MemoryJobs, PromptJobs } from '@aigw/contracts';
import { JobQueues } from '@aigw/jobs';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { MemoryModule } from '../memory.module';
import type { TestDatabase } from '../test/memory-test-support';
import {
  appendJob,
  deleteRedisKeys,
  MACHINE_REDIS_URL,
  machineDatabase,
  newThreadId,
  promptRecord,
  waitFor,
} from '../test/memory-test-support';
import { MemoryMessagesController } from '../threads/memory.messages.controller';

jest.setTimeout(60_000);

const PREFIX = `aigw-test-memory-outage-${randomUUID()}`;
const RETRY = { attempts: 20, backoffMs: 100 };

const config = resolveConfig(
  {
    auth: { required: false },
    applications: [
      {
        id: 'chat',
        type: 'chat',
        memorySettings: { useMemory: true, msgCount: 50 },
        persistPrompts: true,
        endpoints: [{ id: 'primary', provider: 'mock' }],
      },
    ],
  },
  {},
);

/**
 * The database goes away mid-run (its connections ended, new ones refused) while requests keep
 * coming: their jobs fail and retry with backoff, nothing waits forever, and once the database is
 * back every request is stored exactly once.
 */
describe('the memory service through a Postgres outage', () => {
  let database: TestDatabase;
  let moduleRef: TestingModule;
  const workerJobs = new JobQueues({ mode: 'distributed', redisUrl: MACHINE_REDIS_URL, prefix: PREFIX });
  const producerJobs = new JobQueues({ mode: 'distributed', redisUrl: MACHINE_REDIS_URL, prefix: PREFIX });
  const promptsQueue = new Queue(PromptJobs.queue, {
    connection: { url: MACHINE_REDIS_URL },
    prefix: PREFIX,
  });

  beforeAll(async () => {
    database = await machineDatabase();
    moduleRef = await Test.createTestingModule({
      imports: [
        MemoryModule.forRoot({
          live: LiveConfig.fromFile(config),
          databaseUrl: database.url,
          jobs: workerJobs,
        }),
      ],
    }).compile();
    await moduleRef.init();
  });

  afterAll(async () => {
    await database?.restart();
    await moduleRef?.close();
    await Promise.all([workerJobs.close(), producerJobs.close(), promptsQueue.close()]);
    await database?.drop();
    await deleteRedisKeys(MACHINE_REDIS_URL, PREFIX);
  });

  const count = async (table: string) =>
    (await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n ?? 0;
  const request = async (i: number, threadId: string) => {
    const record = promptRecord(`outage-${i}`, { threadId });
    await producerJobs
      .get<PromptRecord>(PromptJobs.queue)
      .add(PromptJobs.record, record, { jobId: PromptJobs.jobId(record.requestId), ...RETRY });
    const turn = appendJob(threadId, i, { requestId: record.requestId });
    await producerJobs
      .get<MemoryAppendJob>(MemoryJobs.queue)
      .add(MemoryJobs.append, turn, { jobId: MemoryJobs.jobId(turn.requestId), ...RETRY });
  };

  it('stores every request exactly once after the database comes back', async () => {
    const threadId = newThreadId();
    for (let i = 1; i <= 15; i++) await request(i, threadId);
    await waitFor(async () => (await count('memory_prompts')) === 15, 'the first 15 rows');

    await database.stop();
    for (let i = 16; i <= 30; i++) await request(i, threadId);
    // The outage is real: jobs fail and wait for a retry.
    await waitFor(async () => (await promptsQueue.getJobCounts('delayed')).delayed > 0, 'jobs retrying');
    // A load while the database is down fails, and quickly (never a hang): the gateway answers 5xx.
    const load = moduleRef
      .get(MemoryMessagesController)
      .load({ threadId, applicationId: 'chat', consumerId: 'key-1', requestId: 'during-outage' });
    await expect(load).rejects.toBeDefined();
    // Requests keep coming while it is down, one of them twice (a retried add: the same job id).
    await request(31, threadId);
    await request(31, threadId);

    await database.restart();
    await waitFor(async () => (await count('memory_prompts')) === 31, 'all 31 rows', 45_000);
    await waitFor(async () => (await count('memory_interactions')) === 31, 'all 31 turns', 45_000);
    const counts = await promptsQueue.getJobCounts('completed', 'failed', 'delayed', 'waiting', 'active');
    expect(counts).toMatchObject({ completed: 31, failed: 0, delayed: 0, waiting: 0, active: 0 });
    expect(await count('memory_prompts')).toBe(31);
  });
});
