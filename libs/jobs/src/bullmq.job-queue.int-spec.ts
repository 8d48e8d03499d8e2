import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { BullMqJobQueue } from './bullmq.job-queue';
import { createJobQueue } from './create-job-queue';
import { describeJobQueueBehaviour } from './test/job-queue.behaviour';
import { JobQueueUnavailableError } from './job-queue';

const REDIS_URL = 'redis://127.0.0.1:6379';
/** Every key this run creates lives under this prefix, and is deleted at the end. */
const PREFIX = `aigw-test-${randomUUID()}`;

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
});

let sequence = 0;
describeJobQueueBehaviour('BullMqJobQueue', () => ({
  open: <TData>() =>
    new BullMqJobQueue<TData>({ redisUrl: REDIS_URL, queueName: `int-${++sequence}`, prefix: PREFIX }),
}));

describe('BullMqJobQueue', () => {
  it('is what createJobQueue builds in distributed mode', async () => {
    const queue = createJobQueue({
      mode: 'distributed',
      queueName: 'factory',
      redisUrl: REDIS_URL,
      prefix: PREFIX,
    });
    expect(queue).toBeInstanceOf(BullMqJobQueue);
    await queue.close();
  });

  it('rejects quickly, with a clear error, when Redis is unreachable', async () => {
    const queue = new BullMqJobQueue<null>({
      redisUrl: 'redis://127.0.0.1:1',
      queueName: 'unreachable',
      prefix: PREFIX,
      commandTimeoutMs: 300,
    });
    const started = Date.now();
    const added = queue.add('usage', null, { jobId: 'usage.1' });
    await expect(added).rejects.toBeInstanceOf(JobQueueUnavailableError);
    await expect(added).rejects.toThrow('The job queue "unreachable" is unavailable.');
    expect(Date.now() - started).toBeLessThan(2_000);
    queue.process(async () => undefined);
    await queue.close();
  }, 10_000);
});
