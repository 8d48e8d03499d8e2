import type { TestingModule } from '@nestjs/testing';
import { Test } from '@nestjs/testing';
import { LiveConfig, resolveConfig } from '@aigw/config';
import type { MemoryAppendJob, MemoryLoadRequest } from '@aigw/contracts';
import { GatewayError, MemoryJobs, PromptJobs } from '@aigw/contracts';
import { JobQueues } from '@aigw/jobs';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { MemoryModule } from './memory.module';
import { CLOCK } from './memory.tokens';
import { SweepProcessor } from './sweep/sweep.processor';
import type { TestDatabase } from './test/memory-test-support';
import {
  appendJob,
  assistant,
  deleteRedisKeys,
  FakeClock,
  MACHINE_REDIS_URL,
  machineDatabase,
  newThreadId,
  promptRecord,
  user,
  waitFor,
} from './test/memory-test-support';
import { MemoryMessagesController } from './threads/memory.messages.controller';

jest.setTimeout(30_000);

/** Every key this run creates lives under this prefix, and is deleted at the end. */
const PREFIX = `aigw-test-memory-${randomUUID()}`;
const SWEEP_CRON = '*/7 * * * *';

const config = resolveConfig(
  {
    auth: { required: false },
    memorySettings: { memoryInvalidationSchedule: SWEEP_CRON },
    applications: [
      {
        id: 'chat',
        type: 'chat',
        memorySettings: { useMemory: true, msgCount: 2, entryExpiry: '1 minute' },
        persistPrompts: true,
        endpoints: [{ id: 'primary', provider: 'mock' }],
      },
      { id: 'plain', type: 'chat', endpoints: [{ id: 'p', provider: 'mock' }] },
    ],
  },
  {},
);

describe('MemoryModule on the machine Postgres, jobs through BullMQ on the machine Redis', () => {
  let database: TestDatabase;
  let moduleRef: TestingModule;
  let memory: MemoryMessagesController;
  const clock = new FakeClock(new Date().toISOString());
  const workerJobs = new JobQueues({ mode: 'distributed', redisUrl: MACHINE_REDIS_URL, prefix: PREFIX });
  /** The gateway's side: another connection to the same queues. */
  const producerJobs = new JobQueues({ mode: 'distributed', redisUrl: MACHINE_REDIS_URL, prefix: PREFIX });
  const memoryQueue = new Queue(MemoryJobs.queue, { connection: { url: MACHINE_REDIS_URL }, prefix: PREFIX });
  const sweepQueue = new Queue(MemoryJobs.sweepQueue, {
    connection: { url: MACHINE_REDIS_URL },
    prefix: PREFIX,
  });

  const append = (job: MemoryAppendJob, jobId = MemoryJobs.jobId(job.requestId)) =>
    producerJobs.get<MemoryAppendJob>(MemoryJobs.queue).add(MemoryJobs.append, job, { jobId, backoffMs: 50 });
  const completed = async () => (await memoryQueue.getJobCounts('completed')).completed;
  const load = (threadId: string, overrides: Partial<MemoryLoadRequest> = {}) =>
    memory.load({
      threadId,
      applicationId: 'chat',
      consumerId: 'key-1',
      requestId: randomUUID(),
      ...overrides,
    });
  const historyOf = async (threadId: string) => (await load(threadId)).history.map((m) => m.content);
  /** Turns stored, read straight from the table (a load would mark the thread pending). */
  const storedTurns = async (threadId: string) =>
    (
      await database.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM memory_interactions WHERE thread_id = $1',
        [threadId],
      )
    )[0]?.n ?? 0;
  const appended = (threadId: string, turns: number) =>
    waitFor(async () => (await storedTurns(threadId)) >= turns, `${turns} turn(s) of ${threadId}`);

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
    })
      .overrideProvider(CLOCK)
      .useValue(clock)
      .compile();
    await moduleRef.init();
    memory = moduleRef.get(MemoryMessagesController);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await Promise.all([workerJobs.close(), producerJobs.close(), memoryQueue.close(), sweepQueue.close()]);
    await database?.drop();
    await deleteRedisKeys(MACHINE_REDIS_URL, PREFIX);
  });

  it('appends each turn once (duplicate adds, a re-sent job) and loads the last msgCount turns after the first user message', async () => {
    const threadId = newThreadId();
    const before = await completed();
    const turns = [1, 2, 3, 4].map((n) => appendJob(threadId, n));
    for (const [i, turn] of turns.entries()) {
      await append(turn);
      await append(turn);
      await appended(threadId, Math.min(i + 1, 3));
    }
    // The queue forgot the first job (another id): Postgres still dedupes by request id.
    await append(turns[3], `${MemoryJobs.jobId(turns[3].requestId)}.again`);
    await waitFor(async () => (await completed()) === before + 5, 'the five distinct jobs');

    expect(await historyOf(threadId)).toEqual(['u1', 'u3', 'a3', 'u4', 'a4']);
    // The first turn (for its user message) and the last two: the rest is pruned.
    expect(await storedTurns(threadId)).toBe(3);
  });

  it('keeps the latest system messages a turn brought', async () => {
    const threadId = newThreadId();
    const system = [{ role: 'system', content: 'Be brief.' }];
    await append(appendJob(threadId, 1, { system }));
    await appended(threadId, 1);
    await append(appendJob(threadId, 2));
    await appended(threadId, 2);
    expect((await load(threadId)).system).toEqual(system);
  });

  it.each([
    ['an id that never existed (not minted by the gateway)', false, {}, 'thread_not_found', 404],
    ['a thread of another key', true, { consumerId: 'key-2' }, 'thread_not_found', 404],
    ['a thread of an application without memory', true, { applicationId: 'plain' }, 'invalid_request', 400],
  ] as const)('refuses %s', async (_case, existing, overrides, code, status) => {
    const threadId = existing ? newThreadId() : randomUUID();
    if (existing) {
      await append(appendJob(threadId, 1));
      await appended(threadId, 1);
    }
    const refused = load(threadId, overrides);
    await expect(refused).rejects.toBeInstanceOf(GatewayError);
    await expect(refused).rejects.toMatchObject({ code, status });
  });

  it('never appends a turn of another application to the thread', async () => {
    const threadId = newThreadId();
    await append(appendJob(threadId, 1));
    await appended(threadId, 1);
    const before = await completed();
    await append(appendJob(threadId, 2, { applicationId: 'plain' }));
    await append(appendJob(threadId, 3));
    await waitFor(async () => (await completed()) === before + 2, 'both jobs done');
    expect(await historyOf(threadId)).toEqual(['u1', 'a1', 'u3', 'a3']);
  });

  it('refuses a malformed thread id as the client mistake it is', async () => {
    await expect(memory.load({ threadId: 'nope', applicationId: 'chat' })).rejects.toMatchObject({
      code: 'invalid_request',
      status: 400,
    });
  });

  it('expires a thread entryExpiry after its last turn, and the sweep deletes it', async () => {
    const threadId = newThreadId();
    await append(appendJob(threadId, 1, { finishedAt: clock.now().toISOString() }));
    await appended(threadId, 1);
    clock.advance(61_000);
    await expect(load(threadId)).rejects.toMatchObject({ code: 'thread_not_found' });
    const rows = () =>
      database.query<{ n: number }>('SELECT count(*)::int AS n FROM memory_threads WHERE thread_id = $1', [
        threadId,
      ]);
    expect((await rows())[0]?.n).toBe(1);
    expect(await moduleRef.get(SweepProcessor).sweep()).toBeGreaterThanOrEqual(1);
    expect((await rows())[0]?.n).toBe(0);
    clock.advance(-61_000);
    await expect(load(threadId)).rejects.toMatchObject({ code: 'thread_not_found' });
  });

  it('schedules the sweep as a repeatable BullMQ job on the configured cron', async () => {
    const schedulers = await sweepQueue.getJobSchedulers();
    expect(schedulers).toEqual([expect.objectContaining({ key: MemoryJobs.sweep, pattern: SWEEP_CRON })]);
  });

  it('makes a load wait for the turn still being appended, so the next turn sees it', async () => {
    const threadId = newThreadId();
    await append(appendJob(threadId, 1));
    await appended(threadId, 1);
    // Turn 2 is being served: its load marks it pending...
    const second = appendJob(threadId, 2);
    await load(threadId, { requestId: second.requestId });
    // ...turn 3 arrives before turn 2 is stored, and waits for it.
    const third = load(threadId);
    await append(second);
    expect((await third).history.map((m) => m.content)).toEqual(['u1', 'a1', 'u2', 'a2']);
  });

  it('releases a thread whose turn failed without appending anything', async () => {
    const threadId = newThreadId();
    await append(appendJob(threadId, 1));
    await appended(threadId, 1);
    const failed = appendJob(threadId, 2, { reply: null });
    await load(threadId, { requestId: failed.requestId });
    await append(failed);
    await waitFor(async () => {
      const rows = await database.query<{ pending: string | null }>(
        'SELECT pending_request_id AS pending FROM memory_threads WHERE thread_id = $1',
        [threadId],
      );
      return rows[0]?.pending === null;
    }, 'the release');
    expect(await historyOf(threadId)).toEqual(['u1', 'a1']);
  });

  it('stores every prompt once (duplicate adds), failures with their error', async () => {
    const producer = producerJobs.get<unknown>(PromptJobs.queue);
    const records = Array.from({ length: 10 }, (_, i) =>
      promptRecord(
        `prompt-${i}`,
        i === 3
          ? { status: 502, completion: null, error: { code: 'upstream_error', message: 'all failed' } }
          : {},
      ),
    );
    for (const record of [...records, ...records])
      await producer.add(PromptJobs.record, record, {
        jobId: PromptJobs.jobId(record.requestId),
        backoffMs: 50,
      });
    await producer.add(PromptJobs.record, records[0], { jobId: `${PromptJobs.jobId('prompt-0')}.again` });
    const count = async () =>
      (await database.query<{ n: number }>('SELECT count(*)::int AS n FROM memory_prompts'))[0]?.n ?? 0;
    await waitFor(async () => (await count()) === 10, 'ten prompt rows');
    const [failed] = await database.query<Record<string, unknown>>(
      'SELECT status, error, completion, end_user, prompt FROM memory_prompts WHERE request_id = $1',
      ['prompt-3'],
    );
    expect(failed).toEqual({
      status: 502,
      error: { code: 'upstream_error', message: 'all failed' },
      completion: null,
      end_user: 'end-user-7',
      prompt: [user('hello')],
    });
    const [ok] = await database.query<Record<string, unknown>>(
      'SELECT completion FROM memory_prompts WHERE request_id = $1',
      ['prompt-0'],
    );
    expect(ok?.completion).toEqual(assistant('hi'));
  });
});
