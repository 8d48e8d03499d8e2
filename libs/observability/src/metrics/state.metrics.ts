import { Gauge } from 'prom-client';
import { metricsRegistry } from './metrics-registry';

export type BreakerState = 'closed' | 'open' | 'half_open';

const BREAKER_VALUES: Readonly<Record<BreakerState, number>> = { closed: 0, open: 1, half_open: 2 };

export interface EndpointState {
  readonly application: string;
  readonly endpoint: string;
  readonly state: BreakerState;
}

export interface QueueCounts {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
}

const breakerSources = new Set<() => Iterable<EndpointState>>();
const queueSources = new Map<string, () => Promise<QueueCounts>>();

/**
 * Read at scrape time from the router's endpoint state: 0 closed (taking requests), 1 open (cooling
 * down or tripped: skipped), 2 half-open (probing).
 */
new Gauge({
  name: 'aigw_circuit_breaker_state',
  help: 'Endpoint circuit state: 0 closed, 1 open (cooling down), 2 half-open.',
  labelNames: ['application', 'endpoint'],
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const source of breakerSources)
      for (const { application, endpoint, state } of source())
        this.set({ application, endpoint }, BREAKER_VALUES[state]);
  },
});

/** Read at scrape time from each job queue the process opened (BullMQ: one Redis round trip each). */
new Gauge({
  name: 'aigw_queue_jobs',
  help: 'Jobs in each durable queue, by state (waiting, active, delayed, failed).',
  labelNames: ['queue', 'state'],
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    await Promise.all(
      [...queueSources].map(async ([queue, counts]) => {
        const current = await counts().catch(() => null);
        if (current === null) return;
        for (const state of ['waiting', 'active', 'delayed', 'failed'] as const)
          this.set({ queue, state }, current[state]);
      }),
    );
  },
});

/** Registers a source of endpoint states; returns its removal. */
export function reportBreakerStates(source: () => Iterable<EndpointState>): () => void {
  breakerSources.add(source);
  return () => breakerSources.delete(source);
}

/** Registers a queue's depth (one source per queue name); returns its removal. */
export function reportQueueDepth(queue: string, counts: () => Promise<QueueCounts>): () => void {
  queueSources.set(queue, counts);
  return () => {
    if (queueSources.get(queue) === counts) queueSources.delete(queue);
  };
}

const configSources = new Set<() => { readonly revision: number; readonly version: string }>();

/**
 * The configuration each process serves: its admin revision number (0: the file read at start),
 * labelled with the version (content hash). Replicas that disagree for long missed a change.
 */
new Gauge({
  name: 'aigw_config_revision',
  help: 'Revision of the configuration this process serves (0: the file read at start), by version.',
  labelNames: ['version'],
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const source of configSources) {
      const { revision, version } = source();
      this.set({ version }, revision);
    }
  },
});

/** Registers the process's configuration (one source per `LiveConfig`); returns its removal. */
export function reportConfigRevision(
  source: () => { readonly revision: number; readonly version: string },
): () => void {
  configSources.add(source);
  return () => configSources.delete(source);
}
