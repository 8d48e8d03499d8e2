import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from './metrics-registry';

/** Requests the gateway answered, by status class; recorded once per request as its response ends. */
export const gatewayRequests = new Counter({
  name: 'aigw_requests_total',
  help: 'Inference requests answered by the gateway, by application, operation and status class.',
  labelNames: ['application', 'operation', 'status_class'],
  registers: [metricsRegistry],
});

export const gatewayRequestDuration = new Histogram({
  name: 'aigw_request_duration_seconds',
  help: 'End-to-end time of inference requests at the gateway, to the last byte.',
  labelNames: ['application', 'operation', 'stream'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  registers: [metricsRegistry],
});

export const gatewayTimeToFirstToken = new Histogram({
  name: 'aigw_time_to_first_token_seconds',
  help: 'Time from the request to the first streamed chunk sent to the client.',
  labelNames: ['application'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

export const rateLimitRejections = new Counter({
  name: 'aigw_rate_limit_rejections_total',
  help: 'Requests refused with 429, by application and error code (a limit, or every endpoint cooling down).',
  labelNames: ['application', 'code'],
  registers: [metricsRegistry],
});

export const cacheLookups = new Counter({
  name: 'aigw_cache_requests_total',
  help: 'Requests answered from the semantic cache (hit) or by an endpoint (miss), by application.',
  labelNames: ['application', 'result'],
  registers: [metricsRegistry],
});

/**
 * Cache lookups served as misses because the cache could not answer: the cache service timed out or
 * was unreachable (and the cool-down after it), or one of its stores failed. A cache outage never
 * fails a request; this is where it shows.
 */
export const cacheUnavailable = new Counter({
  name: 'aigw_cache_unavailable_total',
  help: 'Cache lookups served as misses because the cache could not answer (outage, timeout, store failure).',
  labelNames: ['application'],
  registers: [metricsRegistry],
});

export const usageRecordsDropped = new Counter({
  name: 'aigw_usage_records_dropped_total',
  help: 'Usage records the gateway could not queue (the job queue was unavailable).',
  registers: [metricsRegistry],
});

/**
 * The gateway's durable follow-up jobs it could not queue (the job queue was unavailable, i.e. Redis
 * down), by queue: `memory` (thread turns), `prompts` (prompt records), `cache` (cache writes). Each is
 * lost work, also logged; usage records have their own counter above.
 */
export const jobsNotQueued = new Counter({
  name: 'aigw_jobs_not_queued_total',
  help: 'Follow-up jobs the gateway could not queue (the job queue was unavailable), by queue.',
  labelNames: ['queue'],
  registers: [metricsRegistry],
});
