import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { UsageEvent } from '@aigw/contracts';
import { Queues, UsageBatchSchema, UsageEventSchema } from '@aigw/contracts';
import type { Job } from '@aigw/jobs';
import { JobQueues } from '@aigw/jobs';
import type { Clock } from '../metrics.tokens';
import { CLOCK, JOB_QUEUES } from '../metrics.tokens';
import { GroupCommit } from './group-commit';
import type { UsageEntry } from './usage.repository';
import { UsageRepository } from './usage.repository';

/**
 * Usage records taken from the queue at once by one metrics process. They are written together (group
 * commit, at most `USAGE_BATCH` per transaction — the gateway's largest job), so this bounds the batch
 * size rather than connections.
 */
export const USAGE_CONCURRENCY = 64;
export const USAGE_BATCH = 256;
/**
 * How long a record waits for others before its transaction starts. Without it, light traffic costs a
 * transaction (five round trips to Postgres) per request; with it, one per batch. The aggregates lag
 * the requests by at most this much, far below the collection interval.
 */
export const USAGE_LINGER_MS = 25;

const MINUTE_MS = 60_000;

export type UsageJobOutcome = 'counted' | 'duplicate' | 'malformed';

/**
 * The worker of the `usage` queue: validates each record and adds it to the aggregates exactly once
 * (see `UsageRepository.recordAll`), in batches. A database failure rejects, so the queue retries the job later; a
 * malformed record is logged and dropped, since no retry could ever make it valid.
 */
@Injectable()
export class UsageProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly #logger = new Logger('UsageProcessor');
  readonly #running = new Set<Promise<unknown>>();
  #stopping = false;
  #malformed = 0;
  readonly #batches: GroupCommit<UsageEntry, boolean>;

  constructor(
    @Inject(JOB_QUEUES) private readonly jobs: JobQueues,
    private readonly usage: UsageRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.#batches = new GroupCommit((entries) => this.usage.recordAll(entries, this.clock.now()), {
      maxBatch: USAGE_BATCH,
      lingerMs: USAGE_LINGER_MS,
    });
  }

  onApplicationBootstrap(): void {
    this.jobs
      .get<unknown>(Queues.usage.name)
      .process((job) => this.handle(job).then(() => undefined), { concurrency: USAGE_CONCURRENCY });
  }

  /** Lets the records being written finish before the DataSource closes; later ones wait for a retry. */
  async beforeApplicationShutdown(): Promise<void> {
    this.#stopping = true;
    this.#batches.flush();
    await Promise.allSettled([...this.#running]);
  }

  /**
   * One outcome per record of the job: a `usage.batch` of the gateway's, or a single `usage.recorded`.
   * Rejects when the database fails (the whole job is retried; what it had counted is not again).
   */
  async handle(job: Job<unknown>): Promise<UsageJobOutcome[]> {
    if (this.#stopping) throw new Error('the metrics service is stopping; the job will be retried');
    const records = this.#records(job);
    const events = records.map((data, i) => this.#parse(job, data, records.length > 1 ? i : null));
    const entries = events.flatMap((event) =>
      event === null ? [] : [{ event, bucketStart: minuteOf(event.finishedAt, this.clock.now()) }],
    );
    // One promise for the job's records, however many: they go into the group commit together.
    const recording = this.#batches.submitAll(entries).then((counted) => {
      let next = 0;
      return events.map((event): UsageJobOutcome => {
        if (event === null) return 'malformed';
        return counted[next++] ? 'counted' : 'duplicate';
      });
    });
    this.#running.add(recording);
    try {
      return await recording;
    } finally {
      this.#running.delete(recording);
    }
  }

  /** Records dropped as malformed since the start. */
  get malformedCount(): number {
    return this.#malformed;
  }

  #records(job: Job<unknown>): readonly unknown[] {
    if (job.name !== Queues.usage.batchJob) return [job.data];
    const batch = UsageBatchSchema.safeParse(job.data);
    if (batch.success) return batch.data.events;
    this.#malformed += 1;
    this.#logger.error(`usage job ${job.id} dropped, malformed: not a batch of usage records`);
    return [];
  }

  #parse(job: Job<unknown>, data: unknown, index: number | null): UsageEvent | null {
    const parsed = UsageEventSchema.safeParse(data);
    if (parsed.success && !Number.isNaN(Date.parse(parsed.data.finishedAt))) return parsed.data;
    const problem = parsed.success ? 'finishedAt: not a date' : describeIssues(parsed.error.issues);
    this.#malformed += 1;
    const which = index === null ? `usage job ${job.id}` : `record ${index} of usage job ${job.id}`;
    this.#logger.error(`${which} dropped, malformed (${this.#malformed} so far): ${problem}`);
    return null;
  }
}

/**
 * The minute a request ended, as the gateway saw it, so a record aggregated late still lands in its own
 * minute. A gateway clock ahead of ours is capped at our now: a record never waits in the future.
 */
export function minuteOf(finishedAt: string, now: Date): Date {
  const at = Math.min(Date.parse(finishedAt), now.getTime());
  return new Date(Math.floor(at / MINUTE_MS) * MINUTE_MS);
}

/** The first few problems of a record, enough to find the producer's bug without flooding the log. */
function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  const shown = issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
  const more = issues.length - shown.length;
  return more > 0 ? `${shown.join('; ')} (and ${more} more)` : shown.join('; ');
}
