/** Name of the metrics service's own TypeORM DataSource (and of its Nest injection tokens). */
export const METRICS_DATA_SOURCE = 'metrics';

/** Nest token of the process's `JobQueues` (shared with the gateway in embedded mode). */
export const JOB_QUEUES = Symbol('JOB_QUEUES');

/** Nest token of the `Clock`: specs replace it to move time by hand. */
export const CLOCK = Symbol('METRICS_CLOCK');

/** Where "now" comes from: interval boundaries, the report's date, the dedupe table's timestamps. */
export interface Clock {
  now(): Date;
}

export const SYSTEM_CLOCK: Clock = { now: () => new Date() };
