import type { Context, Span } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { HeaderRecord } from '@aigw/observability';
import { extractTraceContext, injectTraceHeaders } from '@aigw/observability';
import type { MonoTypeOperatorFunction } from 'rxjs';
import { tap } from 'rxjs';

const tracer = trace.getTracer('aigw.messaging');

/**
 * A producer span per message sent over NATS (`send <subject>`, messaging semantic conventions), made
 * the parent of the message: its `traceparent` goes into the headers. Request/reply spans last until the
 * reply (or the stream) ends. The in-process transport has none: its messages are calls in the caller's
 * context. https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/
 */
export function startProducerSpan(
  subject: string,
  operation: 'request' | 'publish',
  headers: HeaderRecord,
): { span: Span; headers: HeaderRecord } {
  const span = tracer.startSpan(`send ${subject}`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      'messaging.system': 'nats',
      'messaging.destination.name': subject,
      'messaging.operation.type': 'send',
      'messaging.operation.name': operation,
    },
  });
  const carrier = context.with(trace.setSpan(context.active(), span), () => injectTraceHeaders(headers));
  return { span, headers: carrier };
}

/** The consumer span of a received message (`process <subject>`), child of the sender's producer span. */
export function startConsumerSpan(
  subject: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): { span: Span; context: Context } {
  const parent = extractTraceContext(headers);
  const span = tracer.startSpan(
    `process ${subject}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'nats',
        'messaging.destination.name': subject,
        'messaging.operation.type': 'process',
      },
    },
    parent,
  );
  return { span, context: trace.setSpan(parent, span) };
}

/** Marks the span failed with what the handler or the reply errored with (a GatewayError's code). */
export function recordSpanError(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  const code = (error as { code?: unknown } | null)?.code;
  span.setAttribute('error.type', typeof code === 'string' ? code : 'internal_error');
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : undefined });
}

/** Marks `span` failed when the stream errors. */
export function traceErrors<T>(span: Span): MonoTypeOperatorFunction<T> {
  return tap({ error: (error: unknown) => recordSpanError(span, error) });
}
