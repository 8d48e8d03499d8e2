import type { UsageEvent } from '@aigw/contracts';
import {
  cacheLookups,
  gatewayRequestDuration,
  gatewayRequests,
  gatewayTimeToFirstToken,
  rateLimitRejections,
  statusClass,
} from '@aigw/observability';

/** The gateway's Prometheus counters of one finished inference request (labels from config only). */
export function recordRequestMetrics(event: UsageEvent): void {
  const application = event.applicationId;
  gatewayRequests.inc({
    application,
    operation: event.operation,
    status_class: event.statusClass ?? statusClass(event.status),
  });
  gatewayRequestDuration.observe(
    { application, operation: event.operation, stream: String(event.stream) },
    event.latencyMs / 1000,
  );
  if (event.timeToFirstTokenMs !== null)
    gatewayTimeToFirstToken.observe({ application }, event.timeToFirstTokenMs / 1000);
  if (event.status === 429) rateLimitRejections.inc({ application, code: event.errorCode ?? 'rate_limited' });
  // Answered requests only: a hit came from the cache, a miss from an endpoint.
  if (event.status >= 200 && event.status < 300)
    cacheLookups.inc({ application, result: event.cacheHit ? 'hit' : 'miss' });
}
