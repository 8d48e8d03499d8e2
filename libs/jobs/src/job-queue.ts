import { GatewayError } from '@aigw/contracts';

/**
 * One named queue of durable work: what must not be lost (usage records, cache writes...) is added
 * here with a deterministic id instead of being sent fire-and-forget. BullMQ on Redis in distributed
 * mode; the same semantics in memory in embedded mode (`createJobQueue` picks).
 */
export interface JobQueue<TData = unknown> {
  readonly name: string;
  /**
   * Adds a job. Adding an id the queue still knows (waiting, active, retrying, or among the recently
   * finished ones) is a no-op, so a retried or duplicated request never creates a second job.
   * Rejects with `JobQueueUnavailableError` within a short timeout when the backend is unreachable.
   */
  add(name: string, data: TData, options: JobOptions): Promise<void>;
  /** Starts running jobs with `handler`; a job whose handler rejects is retried with backoff. Once per queue. */
  process(handler: JobHandler<TData>, options?: ProcessOptions): void;
  /**
   * Registers (or replaces) a repeatable job under `name` with a cron pattern (5 fields, or 6 with
   * seconds first), e.g. `'*\/45 * * * *'`. Idempotent across restarts and replicas.
   */
  schedule(name: string, cron: string, data: TData): Promise<void>;
  /** For metrics. `delayed` includes jobs waiting for a retry and the next run of each schedule. */
  counts(): Promise<JobCounts>;
  /** Stops taking jobs, lets the running ones finish, and releases connections and timers. */
  close(): Promise<void>;
}

export interface JobOptions {
  /** Deterministic id, e.g. `usage.<requestId>`: no `:` and not only digits (BullMQ reserves both). */
  readonly jobId: string;
  /** Tries in all, the first one included. Default `DEFAULT_ATTEMPTS`. */
  readonly attempts?: number;
  /** Wait before the first retry; it doubles for each further one. Default `DEFAULT_BACKOFF_MS`. */
  readonly backoffMs?: number;
}

export interface Job<TData> {
  readonly id: string;
  readonly name: string;
  /** As it would come back from JSON: both implementations serialise it. */
  readonly data: TData;
  /** 1 on the first try. */
  readonly attempt: number;
}

export type JobHandler<TData> = (job: Job<TData>) => Promise<void>;

export interface ProcessOptions {
  /** Jobs run at once by this process. Default 1. */
  readonly concurrency?: number;
}

export interface JobCounts {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
}

export const DEFAULT_ATTEMPTS = 5;
export const DEFAULT_BACKOFF_MS = 1_000;
/** Finished jobs kept (so their ids still dedupe) before the oldest are forgotten. */
export const KEEP_COMPLETED_JOBS = 1_000;
export const KEEP_FAILED_JOBS = 5_000;

/** The queue's backend did not answer in time (Redis down or unreachable), or the queue is closed. */
export class JobQueueUnavailableError extends GatewayError {
  constructor(queue: string, cause: unknown) {
    super('service_unavailable', `The job queue "${queue}" is unavailable.`, { cause });
    this.name = 'JobQueueUnavailableError';
  }
}

/** Both implementations refuse the same ids, so code that works embedded works distributed. */
export function assertJobId(jobId: string): void {
  if (jobId.length === 0 || jobId.length > 256) throw new TypeError('a job id has 1 to 256 characters');
  if (jobId.includes(':'))
    throw new TypeError(`job id "${jobId}" contains ":" (reserved by BullMQ); use "."`);
  if (/^\d+$/.test(jobId)) throw new TypeError(`job id "${jobId}" is only digits (reserved by BullMQ)`);
}

export function exponentialBackoff(backoffMs: number, failedAttempts: number): number {
  return Math.round(2 ** (failedAttempts - 1) * backoffMs);
}
