import type * as SdkNode from '@opentelemetry/sdk-node';
import type * as IORedisTracing from '@opentelemetry/instrumentation-ioredis';
import type * as PgTracing from '@opentelemetry/instrumentation-pg';
import type * as SdkTraceBase from '@opentelemetry/sdk-trace-base';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { initTelemetry } from '../telemetry';
import type { OtlpProtocol } from './threaded-span-exporter';
import { ThreadedSpanExporter, otlpProtocol } from './threaded-span-exporter';
import type { TelemetryEnv, TracingSettings } from './tracing-settings';
import { tracingSettings } from './tracing-settings';

export interface StartTelemetryOptions {
  /** Replace the exporters the environment names (specs: an in-memory exporter). Forces tracing on. */
  readonly spanProcessors?: SpanProcessor[];
}

export interface RunningTelemetry {
  readonly settings: TracingSettings;
  /** Flushes spans still buffered and stops the SDK (no-op when tracing is off). */
  shutdown(): Promise<void>;
}

let current: RunningTelemetry | null = null;
let activeSettings: TracingSettings = {
  enabled: false,
  serviceName: 'aigw',
  captureMessageContent: false,
  exporters: [],
};

/**
 * Call first thing in every main.ts (and the embedded launcher), before anything requires `pg`,
 * `ioredis` or Nest: the Postgres and Redis instrumentations patch those modules as they load.
 *
 * With an exporter configured by the standard `OTEL_*` variables the OpenTelemetry Node SDK starts and
 * records spans; without one only the context manager and the W3C propagator are registered (see
 * `initTelemetry`), so trace context still flows but no span is recorded. Metrics are Prometheus
 * (`metricsRegistry`) and logs are stdout JSON, so the SDK's metric and log pipelines stay off.
 */
export function startTelemetry(
  service: string,
  env: TelemetryEnv,
  options: StartTelemetryOptions = {},
): RunningTelemetry {
  if (current) return current;
  const detected = tracingSettings(service, env);
  const settings = options.spanProcessors ? { ...detected, enabled: true } : detected;
  activeSettings = settings;
  if (!settings.enabled) {
    initTelemetry();
    current = { settings, shutdown: async () => undefined };
    return current;
  }
  // Required here, not imported: a process without an exporter never loads the SDK (megabytes of heap).
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on, see above */
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof SdkNode;
  const { IORedisInstrumentation } =
    require('@opentelemetry/instrumentation-ioredis') as typeof IORedisTracing;
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof PgTracing;
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof SdkTraceBase;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    contextManager: new AsyncLocalStorageContextManager(),
    textMapPropagator: new W3CTraceContextPropagator(),
    metricReaders: [],
    logRecordProcessors: [],
    // Spans only under a request's trace: BullMQ's blocking polls and pool housekeeping stay out.
    instrumentations: [
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
    ...(options.spanProcessors
      ? { spanProcessors: options.spanProcessors }
      : threadedOtlpExport(
          settings,
          env,
          (protocol) => new BatchSpanProcessor(new ThreadedSpanExporter(protocol)),
        )),
  });
  sdk.start();
  current = { settings, shutdown: () => sdk.shutdown() };
  return current;
}

/**
 * With OTLP as the only exporter (the usual case, and the default), spans are batched in the main
 * thread as the SDK does (`OTEL_BSP_*`) and encoded and sent from a worker thread
 * (`ThreadedSpanExporter`). Any other exporter list is left to the SDK's own reading of the environment.
 */
function threadedOtlpExport(
  settings: TracingSettings,
  env: TelemetryEnv,
  processor: (protocol: OtlpProtocol) => SpanProcessor,
): { spanProcessors: SpanProcessor[] } | Record<string, never> {
  const protocol = otlpProtocol(env);
  const onlyOtlp = settings.exporters.every((name) => name === 'otlp');
  return onlyOtlp && protocol !== null ? { spanProcessors: [processor(protocol)] } : {};
}

/** What `startTelemetry` decided, for code that adds work only when spans are recorded. */
export function telemetrySettings(): TracingSettings {
  return activeSettings;
}

/** Flushes and stops the SDK started by `startTelemetry`, if any (graceful shutdown). */
export async function shutdownTelemetry(): Promise<void> {
  await current?.shutdown().catch(() => undefined);
}
