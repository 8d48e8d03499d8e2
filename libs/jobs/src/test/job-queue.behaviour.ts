/**
 * The behaviour every `JobQueue` implementation owes, as one table: the unit spec runs it on
 * `InProcessJobQueue`, the integration spec on `BullMqJobQueue` against the machine's Redis.
 * (Not a spec file itself: it only defines tests for the specs that import it.)
 */
import type { Job, JobQueue } from '../job-queue';

export interface QueueFactory {
  /** A new queue with a name no other test uses. */
  open<TData>(): JobQueue<TData>;
}

/** Polls until `condition` holds (no fixed sleeps in tests). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Seen<TData> {
  readonly job: Job<TData>;
  readonly at: number;
}

export function describeJobQueueBehaviour(label: string, factory: () => QueueFactory): void {
  describe(`${label}: JobQueue behaviour`, () => {
    const queues: Array<JobQueue<unknown>> = [];
    const open = <TData>(): JobQueue<TData> => {
      const queue = factory().open<TData>();
      queues.push(queue);
      return queue;
    };
    afterEach(async () => {
      await Promise.all(queues.splice(0).map((q) => q.close()));
    });

    it('runs an added job once, with its data as JSON', async () => {
      const queue = open<{ when: Date | string; n: number }>();
      const seen: Array<Job<{ when: Date | string; n: number }>> = [];
      queue.process(async (job) => void seen.push(job));
      await queue.add('record', { when: new Date(0), n: 1 }, { jobId: 'record.1' });
      await waitFor(() => seen.length === 1, 'the job to run');
      expect(seen[0]).toEqual({
        id: 'record.1',
        name: 'record',
        data: { when: '1970-01-01T00:00:00.000Z', n: 1 },
        attempt: 1,
      });
    });

    it('dedupes by job id, while the job waits and after it completed', async () => {
      const queue = open<{ copy: number }>();
      await queue.add('usage', { copy: 1 }, { jobId: 'usage.req-1' });
      await queue.add('usage', { copy: 2 }, { jobId: 'usage.req-1' });
      expect((await queue.counts()).waiting).toBe(1);

      const seen: Array<Job<{ copy: number }>> = [];
      queue.process(async (job) => void seen.push(job));
      await waitFor(() => seen.length === 1, 'the first copy to run');
      await queue.add('usage', { copy: 3 }, { jobId: 'usage.req-1' });
      await queue.add('usage', { copy: 4 }, { jobId: 'usage.sentinel' });
      await waitFor(() => seen.some((j) => j.id === 'usage.sentinel'), 'the sentinel to run');
      expect(seen.map((j) => j.data.copy)).toEqual([1, 4]);
    });

    it('retries with exponential backoff until the handler succeeds', async () => {
      const queue = open<null>();
      const seen: Array<Seen<null>> = [];
      queue.process(async (job) => {
        seen.push({ job, at: Date.now() });
        if (job.attempt < 3) throw new Error(`transient failure ${job.attempt}`);
      });
      await queue.add('flaky', null, { jobId: 'flaky.1', attempts: 5, backoffMs: 40 });
      await waitFor(
        async () => seen.length === 3 && (await queue.counts()).active === 0,
        'the third attempt',
      );
      expect(seen.map((s) => s.job.attempt)).toEqual([1, 2, 3]);
      const [first, second, third] = seen.map((s) => s.at) as [number, number, number];
      // 40 ms then 80 ms (a timer may fire a millisecond early)
      expect(second - first).toBeGreaterThanOrEqual(39);
      expect(third - second).toBeGreaterThanOrEqual(79);
      expect(await queue.counts()).toMatchObject({ failed: 0, delayed: 0, waiting: 0 });
    });

    it('fails a job once its attempts are exhausted', async () => {
      const queue = open<null>();
      const attempts: number[] = [];
      queue.process(async (job) => {
        attempts.push(job.attempt);
        throw new Error('permanent failure');
      });
      await queue.add('doomed', null, { jobId: 'doomed.1', attempts: 2, backoffMs: 10 });
      await waitFor(async () => (await queue.counts()).failed === 1, 'the job to fail');
      expect(attempts).toEqual([1, 2]);
    });

    it('runs at most `concurrency` jobs at once', async () => {
      const queue = open<number>();
      let running = 0;
      let peak = 0;
      const done: number[] = [];
      let release = (): void => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      queue.process(
        async (job) => {
          running += 1;
          peak = Math.max(peak, running);
          await gate;
          running -= 1;
          done.push(job.data);
        },
        { concurrency: 2 },
      );
      for (let n = 0; n < 4; n++) await queue.add('slow', n, { jobId: `slow.${n}` });
      await waitFor(() => running === 2, 'two jobs to run together');
      release();
      await waitFor(() => done.length === 4, 'every job to finish');
      expect(peak).toBe(2);
    });

    it('registers a schedule once per name, with its next run delayed', async () => {
      const queue = open<{ task: string }>();
      await queue.schedule('cleanup', '*/45 * * * *', { task: 'cleanup' });
      await queue.schedule('cleanup', '*/45 * * * *', { task: 'cleanup' });
      expect(await queue.counts()).toMatchObject({ delayed: 1, waiting: 0 });
    });

    it('runs a scheduled job when its time comes', async () => {
      const queue = open<{ task: string }>();
      const seen: Array<Job<{ task: string }>> = [];
      queue.process(async (job) => void seen.push(job));
      await queue.schedule('tick', '* * * * * *', { task: 'tick' }); // every second
      await waitFor(() => seen.length >= 1, 'a scheduled run', 4_000);
      expect(seen[0]).toMatchObject({ name: 'tick', data: { task: 'tick' }, attempt: 1 });
    });

    it.each([
      ['contains ":"', 'usage:req-1'],
      ['is only digits', '12345'],
      ['is empty', ''],
    ])('refuses a job id that %s', async (_label, jobId) => {
      const queue = open<null>();
      await expect(queue.add('bad', null, { jobId })).rejects.toBeInstanceOf(TypeError);
    });

    it('refuses an invalid cron pattern', async () => {
      const queue = open<null>();
      await expect(queue.schedule('bad', 'every tuesday', null)).rejects.toBeInstanceOf(TypeError);
    });
  });
}
