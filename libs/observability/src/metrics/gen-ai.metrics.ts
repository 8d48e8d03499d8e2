import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from './metrics-registry';

/**
 * The OpenTelemetry GenAI client metrics (semantic conventions `gen_ai.client.*`, `gen_ai.server.*`),
 * under the names the OpenTelemetry-to-Prometheus translation gives them (dots to underscores, the
 * unit `s` as `_seconds`), with the buckets the conventions recommend. Recorded by the router for
 * every upstream call. https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-metrics/
 */
const GEN_AI_LABELS = [
  'gen_ai_operation_name',
  'gen_ai_provider_name',
  'gen_ai_request_model',
  'gen_ai_response_model',
] as const;

export const genAiTokenUsage = new Histogram({
  name: 'gen_ai_client_token_usage',
  help: 'Tokens used per upstream call (gen_ai.client.token.usage), by gen_ai_token_type input/output.',
  labelNames: [...GEN_AI_LABELS, 'gen_ai_token_type'],
  buckets: [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864],
  registers: [metricsRegistry],
});

export const genAiOperationDuration = new Histogram({
  name: 'gen_ai_client_operation_duration_seconds',
  help: 'Duration of upstream GenAI calls, to the end of the answer (gen_ai.client.operation.duration).',
  labelNames: [...GEN_AI_LABELS, 'error_type'],
  buckets: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
  registers: [metricsRegistry],
});

export const genAiTimeToFirstToken = new Histogram({
  name: 'gen_ai_server_time_to_first_token_seconds',
  help: 'Time from the upstream request to its first streamed chunk (gen_ai.server.time_to_first_token).',
  labelNames: GEN_AI_LABELS,
  buckets: [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
  registers: [metricsRegistry],
});

export const genAiTimePerOutputToken = new Histogram({
  name: 'gen_ai_server_time_per_output_token_seconds',
  help: 'Time per output token after the first, of streamed answers (gen_ai.server.time_per_output_token).',
  labelNames: GEN_AI_LABELS,
  buckets: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5],
  registers: [metricsRegistry],
});

/** Failed upstream attempts by endpoint and kind (`rate_limited`, `server_error`, `timeout`…). */
export const upstreamErrors = new Counter({
  name: 'aigw_upstream_errors_total',
  help: 'Failed upstream attempts, by application, endpoint, provider and error type.',
  labelNames: ['application', 'endpoint', 'provider', 'error_type'],
  registers: [metricsRegistry],
});
