import { BullMqJobQueue } from './bullmq.job-queue';
import { InProcessJobQueue } from './in-process.job-queue';
import type { JobQueue } from './job-queue';

export interface CreateJobQueueOptions {
  /** `embedded`: in memory, in this process. `distributed`: BullMQ on Redis, shared by every replica. */
  readonly mode: 'embedded' | 'distributed';
  readonly queueName: string;
  /** Required in distributed mode; ignored in embedded mode. */
  readonly redisUrl?: string | null;
  /** Redis key prefix (distributed mode). Default `aigw`. */
  readonly prefix?: string;
  /** Bound on calls that need Redis (distributed mode). */
  readonly commandTimeoutMs?: number;
}

export function createJobQueue<TData = unknown>(options: CreateJobQueueOptions): JobQueue<TData> {
  if (options.mode === 'embedded') return new InProcessJobQueue<TData>(options.queueName);
  if (!options.redisUrl)
    throw new Error(`queue "${options.queueName}" needs a Redis URL (REDIS_URL) in distributed mode`);
  return new BullMqJobQueue<TData>({
    redisUrl: options.redisUrl,
    queueName: options.queueName,
    prefix: options.prefix ?? 'aigw',
    ...(options.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: options.commandTimeoutMs }),
  });
}
