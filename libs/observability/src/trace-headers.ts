import type { Context, TextMapGetter } from '@opentelemetry/api';
import { ROOT_CONTEXT, context, propagation } from '@opentelemetry/api';

export type HeaderRecord = Record<string, string>;

const recordGetter: TextMapGetter<Readonly<Record<string, string | string[] | undefined>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/** Writes the active trace context (`traceparent`, `tracestate`) into `headers`. */
export function injectTraceHeaders(headers: HeaderRecord): HeaderRecord {
  propagation.inject(context.active(), headers);
  return headers;
}

/** The trace context carried by incoming headers (HTTP or bus), as a Context to run work in. */
export function extractTraceContext(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Context {
  return propagation.extract(ROOT_CONTEXT, headers, recordGetter);
}

/** Runs `fn` inside the trace context carried by `headers`. */
export function withTraceContext<T>(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  fn: () => T,
): T {
  return context.with(extractTraceContext(headers), fn);
}
