import type { LiveConfig } from '@aigw/config';
import type { CacheWriteJob, MemoryAppendJob, PromptRecord } from '@aigw/contracts';
import { CacheJobs, MemoryJobs, PromptJobs } from '@aigw/contracts';
import type { JobQueues } from '@aigw/jobs';
import type { BusClient } from '@aigw/messaging';
import type { NotQueuedCounter } from '../jobs/job-recorder';
import { JobRecorder } from '../jobs/job-recorder';
import { CompletionCache } from './completion-cache';
import { CompletionFollowUps } from './completion-follow-up';
import { ConversationMemory } from './conversation-memory';

/**
 * Tries of an append or prompt job: with the backoff doubling from 1 s, the last one runs about an
 * hour after the first, so a database outage shorter than that loses nothing.
 */
export const DURABLE_JOB_ATTEMPTS = 13;
export const DURABLE_JOB_BACKOFF_MS = 1_000;
export const CACHE_WRITE_ATTEMPTS = 3;

export interface StatefulFeatures {
  readonly followUps: CompletionFollowUps;
  /** The semantic cache's lookup before the dispatch and write after it. */
  readonly cache: CompletionCache;
  /** For `/health`: what could not be queued, per queue. */
  readonly recorders: readonly NotQueuedCounter[];
}

export function createStatefulFeatures(
  live: LiveConfig,
  bus: BusClient,
  jobs: JobQueues,
  retry: { attempts: number; backoffMs: number } = {
    attempts: DURABLE_JOB_ATTEMPTS,
    backoffMs: DURABLE_JOB_BACKOFF_MS,
  },
): StatefulFeatures {
  const appends = new JobRecorder<MemoryAppendJob>(jobs.get(MemoryJobs.queue), {
    jobName: MemoryJobs.append,
    jobId: (job) => MemoryJobs.jobId(job.requestId),
    ...retry,
  });
  const prompts = new JobRecorder<PromptRecord>(jobs.get(PromptJobs.queue), {
    jobName: PromptJobs.record,
    jobId: (record) => PromptJobs.jobId(record.requestId),
    ...retry,
  });
  // A cache write lost is a later miss, not lost data: the queue's default retries are enough.
  const cacheWrites = new JobRecorder<CacheWriteJob>(jobs.get(CacheJobs.queue), {
    jobName: CacheJobs.write,
    jobId: (job) => CacheJobs.writeJobId(job.requestId),
    attempts: CACHE_WRITE_ATTEMPTS,
    backoffMs: DURABLE_JOB_BACKOFF_MS,
  });
  return {
    followUps: new CompletionFollowUps(live, new ConversationMemory(live, bus, appends), prompts),
    cache: new CompletionCache(live, bus, cacheWrites),
    recorders: [appends, prompts, cacheWrites],
  };
}
