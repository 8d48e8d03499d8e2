import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

let initialised = false;

/**
 * Call first thing in every main.ts, before Nest boots. Registers the async context manager and the
 * W3C `traceparent` propagator so trace context flows across every hop (HTTP in, bus, HTTP upstream)
 * even when no exporter is configured; then tracing costs next to nothing.
 */
export function initTelemetry(): void {
  if (initialised) return;
  initialised = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}
