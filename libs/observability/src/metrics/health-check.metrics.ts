import { Counter } from 'prom-client';
import { metricsRegistry } from './metrics-registry';

/**
 * Active health-check probes this process sent (APISIX `checks.active`), by the endpoint's health once
 * each was counted. Only the router replica holding the probe lease probes, so across replicas exactly
 * one series of an endpoint grows at a time.
 */
export const healthChecks = new Counter({
  name: 'aigw_health_checks_total',
  help: 'Active health-check probes sent by this router, by application, endpoint and the health after each.',
  labelNames: ['application', 'endpoint', 'health'],
  registers: [metricsRegistry],
});
