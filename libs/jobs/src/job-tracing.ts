import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { HeaderRecord } from '@aigw/observability';
import { extractTraceContext, injectTraceHeaders } from '@aigw/observability';

const tracer = trace.getTracer('aigw.jobs');

/**
 * The in-memory queue's counterpart of BullMQ's OpenTelemetry spans (same names): a producer span per
 * add, whose trace context the job keeps, and a consumer span per run, its child.
 */
export function traceJobAdd(queue: string, name: string): HeaderRecord {
  const span = tracer.startSpan(`add ${queue}.${name}`, {
    kind: SpanKind.PRODUCER,
    attributes: { 'messaging.system': 'in_process', 'messaging.destination.name': queue },
  });
  const headers = context.with(trace.setSpan(context.active(), span), () => injectTraceHeaders({}));
  span.end();
  return headers;
}

export async function runTracedJob<T>(
  queue: string,
  headers: HeaderRecord,
  run: () => Promise<T>,
): Promise<T> {
  const parent = extractTraceContext(headers);
  const span = tracer.startSpan(
    `process ${queue}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: { 'messaging.system': 'in_process', 'messaging.destination.name': queue },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), run);
  } catch (error) {
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : undefined,
    });
    throw error;
  } finally {
    span.end();
  }
}
