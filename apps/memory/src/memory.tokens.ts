/** Name of the memory service's own TypeORM DataSource (and of its Nest injection tokens). */
export const MEMORY_DATA_SOURCE = 'memory';

/** Nest token of the process's `JobQueues` (shared with the gateway in embedded mode). */
export const JOB_QUEUES = Symbol('MEMORY_JOB_QUEUES');

/** Nest token of the `Clock`: specs replace it to move time by hand. */
export const CLOCK = Symbol('MEMORY_CLOCK');

/** Where "now" comes from: expiry times, the sweep, the wait for a pending turn. */
export interface Clock {
  now(): Date;
}

export const SYSTEM_CLOCK: Clock = { now: () => new Date() };
