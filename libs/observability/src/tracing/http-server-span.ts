import type { Context, Span } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { extractTraceContext } from '../trace-headers';

const tracer = trace.getTracer('aigw.http');

export interface ServerSpan {
  readonly span: Span;
  /** The span's context: run the request's handler in it. */
  readonly context: Context;
}

/**
 * The server span of one HTTP request (`POST /v1/chat/completions`: method and route template, never
 * the raw path), child of the caller's `traceparent` when it sent one (HTTP semantic conventions).
 */
export function startHttpServerSpan(
  method: string,
  route: string | undefined,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): ServerSpan {
  const parent = extractTraceContext(headers);
  const span = tracer.startSpan(
    route ? `${method} ${route}` : method,
    {
      kind: SpanKind.SERVER,
      attributes: route
        ? { 'http.request.method': method, 'http.route': route }
        : { 'http.request.method': method },
    },
    parent,
  );
  return { span, context: trace.setSpan(parent, span) };
}

/** Ends the server span with the response status: 5xx marks it failed, a 4xx is the client's. */
export function endHttpServerSpan(span: Span, status: number, errorCode?: string): void {
  span.setAttribute('http.response.status_code', status);
  if (status >= 500) {
    span.setAttribute('error.type', errorCode ?? String(status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

/** The ids of the active span, for log lines (empty outside a trace). */
export function activeTraceIds(): { trace_id: string; span_id: string } | null {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context || !trace.isSpanContextValid(context)) return null;
  return { trace_id: context.traceId, span_id: context.spanId };
}
