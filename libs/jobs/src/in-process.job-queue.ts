import { Logger } from '@nestjs/common';
import type { HeaderRecord } from '@aigw/observability';
import { assertCron, nextCronRun } from './cron';
import { runTracedJob, traceJobAdd } from './job-tracing';
import type { JobCounts, JobHandler, JobOptions, JobQueue, ProcessOptions } from './job-queue';
import {
  assertJobId,
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  exponentialBackoff,
  JobQueueUnavailableError,
  KEEP_COMPLETED_JOBS,
  KEEP_FAILED_JOBS,
} from './job-queue';

type State = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';

interface Entry<TData> {
  readonly id: string;
  readonly name: string;
  readonly data: TData;
  readonly attempts: number;
  readonly backoffMs: number;
  failedAttempts: number;
  state: State;
  timer: NodeJS.Timeout | null;
  /** Set on the next run of a schedule: plans the run after it once this one starts. */
  readonly onStart: (() => void) | null;
  /** The trace context of the add (its producer span), continued by the run. */
  readonly trace: HeaderRecord;
}

interface Schedule<TData> {
  readonly cron: string;
  readonly data: TData;
  next: Entry<TData> | null;
}

/**
 * `JobQueue` in memory, for embedded mode: BullMQ's semantics (dedupe by id, retries with exponential
 * backoff, concurrency, cron schedules, JSON-serialised data) without Redis. Jobs live as long as the
 * process: what is waiting when it stops is lost.
 */
export class InProcessJobQueue<TData = unknown> implements JobQueue<TData> {
  readonly #logger: Logger;
  /** Jobs waiting, delayed or running. */
  readonly #jobs = new Map<string, Entry<TData>>();
  /**
   * Ids of finished jobs (oldest first), kept to dedupe as BullMQ's kept jobs do; their data is let
   * go at once, so a busy queue does not carry a thousand payloads into the old generation.
   */
  readonly #finished: Record<'completed' | 'failed', Set<string>> = {
    completed: new Set(),
    failed: new Set(),
  };
  readonly #running = new Set<Promise<void>>();
  readonly #schedules = new Map<string, Schedule<TData>>();
  #waiting: Entry<TData>[] = [];
  #handler: JobHandler<TData> | null = null;
  #concurrency = 1;
  #closed = false;

  constructor(readonly name: string) {
    this.#logger = new Logger(`JobQueue ${name}`);
  }

  async add(name: string, data: TData, options: JobOptions): Promise<void> {
    this.#assertOpen();
    assertJobId(options.jobId);
    if (this.#known(options.jobId)) return;
    this.#enqueue(
      {
        id: options.jobId,
        name,
        data: viaJson(data),
        attempts: positiveInt('attempts', options.attempts ?? DEFAULT_ATTEMPTS),
        backoffMs: Math.max(0, options.backoffMs ?? DEFAULT_BACKOFF_MS),
        failedAttempts: 0,
        state: 'waiting',
        timer: null,
        onStart: null,
        trace: traceJobAdd(this.name, name),
      },
      0,
    );
  }

  process(handler: JobHandler<TData>, options: ProcessOptions = {}): void {
    this.#assertOpen();
    if (this.#handler !== null) throw new Error(`queue "${this.name}" already has a handler`);
    this.#concurrency = positiveInt('concurrency', options.concurrency ?? 1);
    this.#handler = handler;
    this.#pump();
  }

  async schedule(name: string, cron: string, data: TData): Promise<void> {
    this.#assertOpen();
    assertCron(cron);
    const previous = this.#schedules.get(name)?.next;
    if (previous?.state === 'delayed') this.#forget(previous);
    this.#schedules.set(name, { cron, data: viaJson(data), next: null });
    this.#planNextRun(name, Date.now());
  }

  async counts(): Promise<JobCounts> {
    const counts = { waiting: 0, active: 0, delayed: 0, failed: 0 };
    for (const job of this.#jobs.values())
      if (job.state !== 'completed' && job.state !== 'failed') counts[job.state] += 1;
    counts.failed = this.#finished.failed.size;
    return counts;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const dropped = [...this.#jobs.values()].filter((j) => j.state === 'waiting' || j.state === 'delayed');
    for (const job of dropped) this.#forget(job);
    this.#waiting = [];
    const lost = dropped.filter((j) => j.onStart === null).length;
    if (lost > 0) this.#logger.warn(`closed with ${lost} job(s) not run; they are lost (in-memory queue)`);
    await Promise.all(this.#running);
  }

  #enqueue(job: Entry<TData>, delayMs: number): void {
    this.#jobs.set(job.id, job);
    if (delayMs <= 0) {
      job.state = 'waiting';
      this.#waiting.push(job);
      this.#pump();
      return;
    }
    job.state = 'delayed';
    job.timer = setTimeout(() => {
      job.timer = null;
      this.#enqueue(job, 0);
    }, delayMs);
    job.timer.unref();
  }

  #pump(): void {
    const handler = this.#handler;
    while (!this.#closed && handler !== null && this.#running.size < this.#concurrency) {
      const job = this.#waiting.shift();
      if (job === undefined) return;
      const run: Promise<void> = this.#run(job, handler).finally(() => {
        this.#running.delete(run);
        this.#pump();
      });
      this.#running.add(run);
    }
  }

  async #run(job: Entry<TData>, handler: JobHandler<TData>): Promise<void> {
    job.state = 'active';
    job.onStart?.();
    try {
      await runTracedJob(this.name, job.trace, () =>
        handler({ id: job.id, name: job.name, data: job.data, attempt: job.failedAttempts + 1 }),
      );
      this.#finish(job, 'completed');
    } catch (error: unknown) {
      job.failedAttempts += 1;
      if (job.failedAttempts < job.attempts && !this.#closed) {
        this.#enqueue(job, exponentialBackoff(job.backoffMs, job.failedAttempts));
        return;
      }
      this.#finish(job, 'failed');
      const reason = error instanceof Error ? error.message : String(error);
      this.#logger.warn(
        `job ${job.id} (${job.name}) failed after ${job.failedAttempts} attempt(s): ${reason}`,
      );
    }
  }

  /** Finished jobs stay known by id (their ids keep deduping) until the oldest are evicted. */
  #finish(job: Entry<TData>, state: 'completed' | 'failed'): void {
    job.state = state;
    this.#jobs.delete(job.id);
    const ids = this.#finished[state];
    ids.add(job.id);
    const keep = state === 'completed' ? KEEP_COMPLETED_JOBS : KEEP_FAILED_JOBS;
    for (const evicted of ids) {
      if (ids.size <= keep) break;
      ids.delete(evicted);
    }
  }

  #known(id: string): boolean {
    return this.#jobs.has(id) || this.#finished.completed.has(id) || this.#finished.failed.has(id);
  }

  #forget(job: Entry<TData>): void {
    if (job.timer !== null) clearTimeout(job.timer);
    job.timer = null;
    this.#jobs.delete(job.id);
    this.#waiting = this.#waiting.filter((j) => j !== job);
  }

  /** One run of a schedule exists at a time; the next is planned when it starts, as BullMQ does. */
  #planNextRun(name: string, after: number): void {
    const schedule = this.#schedules.get(name);
    if (schedule === undefined || this.#closed) return;
    const at = nextCronRun(schedule.cron, after);
    const job: Entry<TData> = {
      id: `repeat.${name}.${at}`,
      name,
      data: schedule.data,
      attempts: DEFAULT_ATTEMPTS,
      backoffMs: DEFAULT_BACKOFF_MS,
      failedAttempts: 0,
      state: 'delayed',
      timer: null,
      onStart: () => {
        if (this.#schedules.get(name) === schedule) this.#planNextRun(name, Math.max(Date.now(), at));
      },
      trace: {},
    };
    if (this.#known(job.id)) return;
    schedule.next = job;
    this.#enqueue(job, at - Date.now());
  }

  #assertOpen(): void {
    if (this.#closed) throw new JobQueueUnavailableError(this.name, new Error('the queue is closed'));
  }
}

/** What the handler would get back from BullMQ: the data as JSON, not the caller's object. */
function viaJson<T>(data: T): T {
  return data === undefined ? data : (JSON.parse(JSON.stringify(data)) as T);
}

function positiveInt(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`${field} must be a positive integer, got ${value}`);
  return value;
}
