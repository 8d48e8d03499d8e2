import { reportQueueDepth } from '@aigw/observability';
import { createJobQueue } from './create-job-queue';
import type { JobQueue } from './job-queue';

export interface JobQueuesOptions {
  readonly mode: 'embedded' | 'distributed';
  readonly redisUrl: string | null;
  /** Redis key prefix; a deployment namespace keeps deployments sharing one Redis apart. */
  readonly prefix: string;
}

/**
 * The process's queues by name. In embedded mode every service of the process gets the same in-memory
 * queue for a name (the producer and the worker must meet); in distributed mode each process opens its
 * own BullMQ connection to the shared Redis.
 */
export class JobQueues {
  private readonly queues = new Map<string, JobQueue<unknown>>();
  private readonly unreport: Array<() => void> = [];

  constructor(private readonly options: JobQueuesOptions) {}

  get<TData>(queueName: string): JobQueue<TData> {
    let queue = this.queues.get(queueName);
    if (!queue) {
      queue = createJobQueue<unknown>({
        mode: this.options.mode,
        queueName,
        redisUrl: this.options.redisUrl,
        prefix: this.options.prefix,
      });
      this.queues.set(queueName, queue);
      const opened = queue;
      // `aigw_queue_jobs`: read at scrape time.
      this.unreport.push(reportQueueDepth(queueName, () => opened.counts()));
    }
    return queue as JobQueue<TData>;
  }

  async close(): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    for (const unreport of this.unreport.splice(0)) unreport();
    await Promise.all(queues.map((q) => q.close()));
  }
}
