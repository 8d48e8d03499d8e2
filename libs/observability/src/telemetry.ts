import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

let initialised = false;

/**
 * Registers the async context manager and the W3C `traceparent` propagator, so trace context flows
 * across every hop (HTTP in, bus, HTTP upstream) even when no exporter is configured: spans are then
 * the API's non-recording ones and tracing costs next to nothing. `startTelemetry` calls it; specs that
 * only need propagation call it directly.
 */
export function initTelemetry(): void {
  if (initialised) return;
  initialised = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}
