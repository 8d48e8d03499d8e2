import { Logger } from '@nestjs/common';
import type { UsageBatch, UsageEvent } from '@aigw/contracts';
import type { JobOptions, JobQueue } from '@aigw/jobs';
import { UsageRecorder } from './usage-recorder';

/** A queue that remembers what was added, or refuses it (Redis down). */
function recordingQueue(fail: Error | null = null) {
  const added: Array<{ name: string; data: UsageBatch; options: JobOptions }> = [];
  const queue = {
    name: 'usage',
    add: async (name: string, data: UsageBatch, options: JobOptions) => {
      if (fail) throw fail;
      added.push({ name, data, options });
    },
  } as unknown as JobQueue<UsageBatch>;
  return { queue, added };
}

const event = (requestId: string) => ({ requestId }) as UsageEvent;
const ids = (batch: UsageBatch) => batch.events.map((e) => e.requestId);

describe('UsageRecorder', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('queues the records of requests that end within the linger as one job, named by the first', () => {
    const { queue, added } = recordingQueue();
    const recorder = new UsageRecorder(queue, { maxBatch: 10, lingerMs: 20 });
    recorder.record(event('r1'));
    jest.advanceTimersByTime(19);
    recorder.record(event('r2'));
    expect(added).toHaveLength(0);
    jest.advanceTimersByTime(1);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ name: 'usage.batch', options: { jobId: 'usage-batch.r1' } });
    expect(ids(added[0]?.data ?? { events: [] })).toEqual(['r1', 'r2']);
    recorder.record(event('r3'));
    jest.advanceTimersByTime(20);
    expect(added.map((a) => ids(a.data))).toEqual([['r1', 'r2'], ['r3']]);
  });

  it('queues a full batch at once and the rest on flush', async () => {
    const { queue, added } = recordingQueue();
    const recorder = new UsageRecorder(queue, { maxBatch: 2, lingerMs: 60_000 });
    ['r1', 'r2', 'r3'].forEach((id) => recorder.record(event(id)));
    expect(added.map((a) => ids(a.data))).toEqual([['r1', 'r2']]);
    await recorder.flush();
    expect(added.map((a) => ids(a.data))).toEqual([['r1', 'r2'], ['r3']]);
  });

  it('counts every record of a batch it could not queue as dropped, and says so in the log', async () => {
    const warned = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { queue } = recordingQueue(new Error('redis unreachable'));
    const recorder = new UsageRecorder(queue, { maxBatch: 10, lingerMs: 20 });
    ['r1', 'r2', 'r3'].forEach((id) => recorder.record(event(id)));
    await recorder.flush();
    expect(recorder.droppedCount).toBe(3);
    expect(warned).toHaveBeenCalledWith(expect.stringContaining('usage of 3 request(s) from r1 not queued'));
    warned.mockRestore();
  });
});
