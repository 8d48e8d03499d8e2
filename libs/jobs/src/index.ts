export type { Job, JobCounts, JobHandler, JobOptions, JobQueue, ProcessOptions } from './job-queue';
export { DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_MS, JobQueueUnavailableError } from './job-queue';
export type { CreateJobQueueOptions } from './create-job-queue';
export { createJobQueue } from './create-job-queue';
export type { BullMqJobQueueOptions } from './bullmq.job-queue';
export { BullMqJobQueue } from './bullmq.job-queue';
export { InProcessJobQueue } from './in-process.job-queue';
export type { JobQueuesOptions } from './job-queues';
export { JobQueues } from './job-queues';
