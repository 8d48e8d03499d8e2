import { createJobQueue } from './create-job-queue';
import { InProcessJobQueue } from './in-process.job-queue';
import { describeJobQueueBehaviour, waitFor } from './test/job-queue.behaviour';
import { JobQueueUnavailableError } from './job-queue';

let sequence = 0;
describeJobQueueBehaviour('InProcessJobQueue', () => ({
  open: <TData>() => new InProcessJobQueue<TData>(`unit-${++sequence}`),
}));

describe('InProcessJobQueue', () => {
  it('lets the running job finish on close, then refuses new jobs', async () => {
    const queue = new InProcessJobQueue<null>('closing');
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    let finished = false;
    queue.process(async () => {
      started = true;
      await gate;
      finished = true;
    });
    await queue.add('slow', null, { jobId: 'slow.1' });
    await waitFor(() => started, 'the job to start');
    const closed = queue.close();
    release();
    await closed;
    expect(finished).toBe(true);
    await expect(queue.add('late', null, { jobId: 'late.1' })).rejects.toBeInstanceOf(
      JobQueueUnavailableError,
    );
  });

  it('does not retry after close', async () => {
    const queue = new InProcessJobQueue<null>('no-retry-after-close');
    let attempts = 0;
    let fail = (): void => undefined;
    const failing = new Promise<void>((resolve) => (fail = resolve));
    queue.process(async () => {
      attempts += 1;
      await failing;
      throw new Error('boom');
    });
    await queue.add('job', null, { jobId: 'job.1', attempts: 3, backoffMs: 1 });
    await waitFor(() => attempts === 1, 'the first attempt');
    const closed = queue.close();
    fail();
    await closed;
    expect(attempts).toBe(1);
    expect(await queue.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 1 });
  });

  it('refuses a second handler and a bad concurrency', () => {
    const queue = new InProcessJobQueue<null>('handlers');
    expect(() => queue.process(async () => undefined, { concurrency: 0 })).toThrow(TypeError);
    queue.process(async () => undefined);
    expect(() => queue.process(async () => undefined)).toThrow('already has a handler');
    return queue.close();
  });
});

describe('createJobQueue', () => {
  it('keeps jobs in process in embedded mode', async () => {
    const queue = createJobQueue({ mode: 'embedded', queueName: 'usage', redisUrl: null });
    expect(queue).toBeInstanceOf(InProcessJobQueue);
    await queue.close();
  });

  it('needs a Redis URL in distributed mode', () => {
    expect(() => createJobQueue({ mode: 'distributed', queueName: 'usage' })).toThrow('needs a Redis URL');
  });
});
