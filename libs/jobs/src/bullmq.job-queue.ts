import { Logger } from '@nestjs/common';
import type { Job as BullJob, JobsOptions } from 'bullmq';
import { Queue, Worker } from 'bullmq';
import { BullMQOtel } from 'bullmq-otel';
import { telemetrySettings } from '@aigw/observability';
import { assertCron } from './cron';
import type { JobCounts, JobHandler, JobOptions, JobQueue, ProcessOptions } from './job-queue';
import {
  assertJobId,
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  JobQueueUnavailableError,
  KEEP_COMPLETED_JOBS,
  KEEP_FAILED_JOBS,
} from './job-queue';

export interface BullMqJobQueueOptions {
  readonly redisUrl: string;
  readonly queueName: string;
  /** Namespaces every Redis key of the queue (BullMQ's `prefix`), e.g. per deployment. */
  readonly prefix: string;
  /** Bound on every call that needs Redis (add, schedule, counts). Default 2 s. */
  readonly commandTimeoutMs?: number;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;

/**
 * BullMQ's own OpenTelemetry spans (a producer span per add, a consumer span per job run, the trace
 * context kept in the job), only when the process records spans: otherwise BullMQ skips the work.
 */
function telemetryOption(): { telemetry?: BullMQOtel } {
  return telemetrySettings().enabled ? { telemetry: new BullMQOtel({ tracerName: 'aigw.jobs' }) } : {};
}
const CLOSE_TIMEOUT_MS = 5_000;

/** `JobQueue` on BullMQ (Redis), for distributed mode. The worker of a queue is created by `process`. */
export class BullMqJobQueue<TData = unknown> implements JobQueue<TData> {
  readonly name: string;
  readonly #options: BullMqJobQueueOptions;
  readonly #timeoutMs: number;
  readonly #logger: Logger;
  readonly #queue: Queue<BullJob<TData, void, string>>;
  #worker: Worker<TData, void, string> | null = null;
  #closed: Promise<void> | null = null;

  constructor(options: BullMqJobQueueOptions) {
    this.name = options.queueName;
    this.#options = options;
    this.#timeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.#logger = new Logger(`JobQueue ${options.queueName}`);
    this.#queue = new Queue<BullJob<TData, void, string>>(options.queueName, {
      connection: { ...connectionOptions(options.redisUrl), connectTimeout: this.#timeoutMs },
      prefix: options.prefix,
      ...telemetryOption(),
    });
    this.#queue.on('error', (error) => this.#logger.warn(`Redis: ${error.message}`));
  }

  async add(name: string, data: TData, options: JobOptions): Promise<void> {
    assertJobId(options.jobId);
    await this.#bounded(this.#queue.add(name, data, jobOptions(options)));
  }

  process(handler: JobHandler<TData>, options: ProcessOptions = {}): void {
    if (this.#worker !== null) throw new Error(`queue "${this.name}" already has a handler`);
    const worker = new Worker<TData, void, string>(
      this.name,
      async (job) =>
        handler({ id: job.id ?? '', name: job.name, data: job.data, attempt: job.attemptsMade + 1 }),
      {
        // A worker blocks on Redis: its connection must retry commands forever (BullMQ requires it).
        connection: { ...connectionOptions(this.#options.redisUrl), maxRetriesPerRequest: null },
        prefix: this.#options.prefix,
        concurrency: options.concurrency ?? 1,
        ...telemetryOption(),
      },
    );
    worker.on('error', (error) => this.#logger.warn(`worker: ${error.message}`));
    worker.on('failed', (job, error) => {
      if (job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1))
        this.#logger.warn(
          `job ${job.id ?? '?'} (${job.name}) failed after ${job.attemptsMade} attempt(s): ${error.message}`,
        );
    });
    this.#worker = worker;
  }

  async schedule(name: string, cron: string, data: TData): Promise<void> {
    assertCron(cron);
    await this.#bounded(
      this.#queue.upsertJobScheduler(name, { pattern: cron }, { name, data, opts: retryOptions({}) }),
    );
  }

  async counts(): Promise<JobCounts> {
    const counts = await this.#bounded(this.#queue.getJobCounts('waiting', 'active', 'delayed', 'failed'));
    return {
      waiting: counts.waiting ?? 0,
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      failed: counts.failed ?? 0,
    };
  }

  /** Lets running jobs finish; gives up waiting (and drops the connections) if Redis does not answer. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      const closing = Promise.all([this.#worker?.close(), this.#queue.close()]);
      const finished = await settleWithin(closing, CLOSE_TIMEOUT_MS);
      if (!finished) {
        this.#logger.warn(`Redis did not answer within ${CLOSE_TIMEOUT_MS} ms while closing; disconnecting`);
        await Promise.allSettled([this.#worker?.disconnect(), this.#queue.disconnect()]);
      }
    })();
    return this.#closed;
  }

  /**
   * BullMQ waits for Redis indefinitely (it reconnects forever): bound the caller's wait. A command that
   * timed out may still reach Redis later; deterministic job ids keep that harmless.
   */
  async #bounded<T>(operation: Promise<T>): Promise<T> {
    if (this.#closed !== null)
      throw new JobQueueUnavailableError(this.name, new Error('the queue is closed'));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis did not answer within ${this.#timeoutMs} ms`)),
        this.#timeoutMs,
      );
    });
    try {
      return await Promise.race([operation, timeout]);
    } catch (error: unknown) {
      if (error instanceof TypeError) throw error;
      throw new JobQueueUnavailableError(this.name, error);
    } finally {
      clearTimeout(timer);
      operation.catch(() => undefined);
    }
  }
}

function connectionOptions(redisUrl: string): { url: string; disconnectTimeout: number } {
  // ioredis arms a timer of `disconnectTimeout` (2 s by default) on close, and never clears it when the
  // socket had failed to connect: it would keep a process (or Jest) alive after close.
  return { url: redisUrl, disconnectTimeout: 500 };
}

function retryOptions(options: Pick<JobOptions, 'attempts' | 'backoffMs'>): JobsOptions {
  return {
    attempts: options.attempts ?? DEFAULT_ATTEMPTS,
    backoff: { type: 'exponential', delay: options.backoffMs ?? DEFAULT_BACKOFF_MS },
    // Finished jobs stay (and keep deduping their ids) until the oldest are trimmed.
    removeOnComplete: KEEP_COMPLETED_JOBS,
    removeOnFail: KEEP_FAILED_JOBS,
  };
}

function jobOptions(options: JobOptions): JobsOptions {
  return { ...retryOptions(options), jobId: options.jobId };
}

async function settleWithin(operation: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = operation.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([done, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
