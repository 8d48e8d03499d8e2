import type { Context } from '@opentelemetry/api';
import { ROOT_CONTEXT, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

let initialised = false;

/** A context that holds no trace to continue: no valid span context, no baggage. */
function carriesNothing(ctx: Context): boolean {
  if (ctx === ROOT_CONTEXT) return true;
  const span = trace.getSpanContext(ctx);
  return (span === undefined || !trace.isSpanContextValid(span)) && propagation.getBaggage(ctx) === undefined;
}

/**
 * The context manager of a process that records no spans. With no SDK and no instrumentation loaded,
 * a context without a valid span context or baggage holds nothing anyone reads (`getActiveSpan` gives
 * a non-recording span or none, `inject` writes nothing either way), so entering one from a context
 * that holds nothing either is a plain call. AsyncLocalStorage then starts only once a request brings
 * a `traceparent` to propagate, and until then its hook on every promise and callback costs nothing.
 */
export class PropagationContextManager extends AsyncLocalStorageContextManager {
  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    if (carriesNothing(ctx) && carriesNothing(this.active())) return fn.call(thisArg, ...args);
    return super.with(ctx, fn, thisArg, ...args);
  }
}

/**
 * Registers the context manager and the W3C `traceparent` propagator, so trace context flows across
 * every hop (HTTP in, bus, HTTP upstream) even when no exporter is configured: spans are then the
 * API's non-recording ones and tracing costs next to nothing. `startTelemetry` calls it when tracing
 * is off; specs that only need propagation call it directly.
 */
export function initTelemetry(): void {
  if (initialised) return;
  initialised = true;
  context.setGlobalContextManager(new PropagationContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}
