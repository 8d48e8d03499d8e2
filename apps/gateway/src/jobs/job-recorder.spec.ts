import { InProcessJobQueue } from '@aigw/jobs';
import { jobsNotQueued } from '@aigw/observability';
import { JobRecorder } from './job-recorder';

describe('JobRecorder', () => {
  it('queues each record under its deterministic id, once', async () => {
    const queue = new InProcessJobQueue<{ id: string }>('records');
    const seen: string[] = [];
    queue.process(async (job) => void seen.push(job.id));
    const recorder = new JobRecorder(queue, {
      jobName: 'r',
      jobId: (d) => `r.${d.id}`,
      attempts: 3,
      backoffMs: 10,
    });
    await recorder.record({ id: 'a' });
    await recorder.record({ id: 'a' });
    await recorder.record({ id: 'b' });
    for (let i = 0; i < 50 && seen.length < 2; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['r.a', 'r.b']);
    expect(recorder.notQueuedCount).toBe(0);
    await queue.close();
  });

  const notQueuedMetric = async (queue: string) =>
    (await jobsNotQueued.get()).values.find((v) => v.labels.queue === queue)?.value;

  it('never rejects when the queue is unavailable: it counts what it could not queue', async () => {
    const queue = new InProcessJobQueue<{ id: string }>('closed');
    await queue.close();
    const recorder = new JobRecorder(queue, {
      jobName: 'r',
      jobId: (d) => `r.${d.id}`,
      attempts: 3,
      backoffMs: 10,
    });
    expect(await notQueuedMetric('closed')).toBe(0);
    await expect(recorder.record({ id: 'a' })).resolves.toBeUndefined();
    await recorder.record({ id: 'b' });
    expect({ name: recorder.name, lost: recorder.notQueuedCount }).toEqual({ name: 'closed', lost: 2 });
    expect(await notQueuedMetric('closed')).toBe(2);
  });
});
