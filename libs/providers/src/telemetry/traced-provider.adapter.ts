import type { Attributes, Span } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { ProviderKind, ResolvedEndpoint } from '@aigw/config';
import type { Usage } from '@aigw/contracts';
import { GatewayError } from '@aigw/contracts';
import {
  genAiOperationDuration,
  genAiTimePerOutputToken,
  genAiTimeToFirstToken,
  genAiTokenUsage,
  telemetrySettings,
  upstreamErrors,
} from '@aigw/observability';
import type {
  OpenAiRequestBody,
  ProviderAdapter,
  ProviderOperation,
  ProviderResponse,
  ProviderStream,
} from '../provider-adapter.interface';
import { UpstreamFailure } from '../upstream/upstream-failure.error';
import { GEN_AI_OPERATIONS, REQUEST_ATTRIBUTES, finishReasons, genAiProviderName } from './gen-ai-attributes';

const tracer = trace.getTracer('aigw.providers');

/** What one upstream call is, for its span and its metrics. */
interface CallLabels {
  readonly operation: ProviderOperation;
  readonly requestModel: string;
}

/**
 * Every upstream call as an OpenTelemetry GenAI client span (`chat {model}`, `gen_ai.*` attributes with
 * the usage tokens) and the GenAI client metrics, around any adapter. The span is active while the
 * adapter calls upstream, so the upstream request carries it as its `traceparent`. A stream's span
 * ends with the stream (or when it is cut or cancelled). Prompt and completion text is recorded only
 * with `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`.
 */
export class TracedProviderAdapter implements ProviderAdapter {
  readonly provider: ProviderKind;
  readonly endpointId: string;
  readonly #providerName: string;
  /** `server.address`: the endpoint URL's host, read once. */
  readonly #serverAddress: string | undefined;

  constructor(
    private readonly inner: ProviderAdapter,
    private readonly endpoint: ResolvedEndpoint,
    private readonly applicationId: string,
  ) {
    this.provider = inner.provider;
    this.endpointId = inner.endpointId;
    this.#providerName = genAiProviderName(inner.provider);
    this.#serverAddress = endpoint.url ? URL.parse(endpoint.url)?.hostname : undefined;
  }

  chat(body: OpenAiRequestBody, signal: AbortSignal): Promise<ProviderResponse> {
    return this.#unary('chat', body, () => this.inner.chat(body, signal));
  }

  completions(body: OpenAiRequestBody, signal: AbortSignal): Promise<ProviderResponse> {
    return this.#unary('completions', body, () => this.inner.completions(body, signal));
  }

  embeddings(body: OpenAiRequestBody, signal: AbortSignal): Promise<ProviderResponse> {
    return this.#unary('embeddings', body, () => this.inner.embeddings(body, signal));
  }

  chatStream(body: OpenAiRequestBody, signal: AbortSignal): Promise<ProviderStream> {
    return this.#stream('chat', body, () => this.inner.chatStream(body, signal));
  }

  completionsStream(body: OpenAiRequestBody, signal: AbortSignal): Promise<ProviderStream> {
    return this.#stream('completions', body, () => this.inner.completionsStream(body, signal));
  }

  /** Active health checks are not GenAI calls: no span, no GenAI metrics. */
  probe(path: string, timeoutMs: number, withAuth: boolean): Promise<number> {
    return this.inner.probe(path, timeoutMs, withAuth);
  }

  async #unary(
    operation: ProviderOperation,
    body: OpenAiRequestBody,
    call: () => Promise<ProviderResponse>,
  ): Promise<ProviderResponse> {
    const labels = this.#labels(operation, body);
    const span = this.#startSpan(labels, body, false);
    const started = performance.now();
    try {
      const response = await context.with(trace.setSpan(context.active(), span), call);
      this.#succeeded(span, labels, response.model, response.usage, started);
      if (span.isRecording()) {
        const reasons = finishReasons(response.body);
        if (reasons.length > 0) span.setAttribute('gen_ai.response.finish_reasons', reasons);
        const id = response.body['id'];
        if (typeof id === 'string') span.setAttribute('gen_ai.response.id', id);
        if (telemetrySettings().captureMessageContent && response.body['choices'] !== undefined)
          span.setAttribute('gen_ai.output.messages', JSON.stringify(response.body['choices']));
      }
      span.end();
      return response;
    } catch (error) {
      this.#failed(span, labels, error, started);
      throw error;
    }
  }

  async #stream(
    operation: ProviderOperation,
    body: OpenAiRequestBody,
    open: () => Promise<ProviderStream>,
  ): Promise<ProviderStream> {
    const labels = this.#labels(operation, body);
    const span = this.#startSpan(labels, body, true);
    const started = performance.now();
    let stream: ProviderStream;
    try {
      stream = await context.with(trace.setSpan(context.active(), span), open);
    } catch (error) {
      this.#failed(span, labels, error, started);
      throw error;
    }
    const observe = (chunks: AsyncIterable<readonly string[]>) =>
      this.#observeChunks(chunks, span, labels, stream, started);
    return {
      status: stream.status,
      model: stream.model,
      chunks: observe(stream.chunks),
      usage: () => stream.usage(),
    };
  }

  async *#observeChunks(
    chunks: AsyncIterable<readonly string[]>,
    span: Span,
    labels: CallLabels,
    stream: ProviderStream,
    started: number,
  ): AsyncGenerator<readonly string[]> {
    let firstAt: number | null = null;
    let finished = false;
    try {
      for await (const batch of chunks) {
        if (firstAt === null) {
          firstAt = performance.now();
          genAiTimeToFirstToken.observe(this.#metricLabels(labels, stream.model), (firstAt - started) / 1000);
          span.addEvent('gen_ai.first_token');
        }
        yield batch;
      }
      finished = true;
      const usage = stream.usage();
      this.#succeeded(span, labels, stream.model, usage, started);
      const outputTokens = usage?.completion_tokens ?? 0;
      if (firstAt !== null && outputTokens > 1)
        genAiTimePerOutputToken.observe(
          this.#metricLabels(labels, stream.model),
          (performance.now() - firstAt) / 1000 / (outputTokens - 1),
        );
      span.end();
    } catch (error) {
      finished = true;
      this.#failed(span, labels, error, started);
      throw error;
    } finally {
      // The consumer stopped early (a client that went away): the call was cancelled.
      if (!finished) this.#failed(span, labels, new CancelledError(), started);
    }
  }

  #labels(operation: ProviderOperation, body: OpenAiRequestBody): CallLabels {
    const requested = body['model'];
    return {
      operation,
      requestModel: this.endpoint.model ?? (typeof requested === 'string' ? requested : ''),
    };
  }

  #startSpan(labels: CallLabels, body: OpenAiRequestBody, stream: boolean): Span {
    const operationName = GEN_AI_OPERATIONS[labels.operation];
    const span = tracer.startSpan(`${operationName} ${labels.requestModel}`.trim(), {
      kind: SpanKind.CLIENT,
    });
    if (!span.isRecording()) return span;
    const attributes: Attributes = {
      'gen_ai.operation.name': operationName,
      'gen_ai.provider.name': this.#providerName,
      'gen_ai.request.model': labels.requestModel,
      'aigw.application.id': this.applicationId,
      'aigw.endpoint.id': this.endpointId,
      'aigw.stream': stream,
    };
    for (const [field, name] of REQUEST_ATTRIBUTES) {
      const value = body[field];
      if (typeof value === 'number') attributes[name] = value;
    }
    if (this.#serverAddress) attributes['server.address'] = this.#serverAddress;
    if (telemetrySettings().captureMessageContent) {
      const input = body['messages'] ?? body['prompt'] ?? body['input'];
      if (input !== undefined) attributes['gen_ai.input.messages'] = JSON.stringify(input);
    }
    span.setAttributes(attributes);
    return span;
  }

  #succeeded(span: Span, labels: CallLabels, model: string, usage: Usage | null, started: number): void {
    genAiOperationDuration.observe(
      this.#metricLabels(labels, model, 'error_type', ''),
      (performance.now() - started) / 1000,
    );
    if (usage) {
      genAiTokenUsage.observe(
        this.#metricLabels(labels, model, 'gen_ai_token_type', 'input'),
        usage.prompt_tokens,
      );
      if (labels.operation !== 'embeddings')
        genAiTokenUsage.observe(
          this.#metricLabels(labels, model, 'gen_ai_token_type', 'output'),
          usage.completion_tokens,
        );
    }
    if (!span.isRecording()) return;
    span.setAttribute('gen_ai.response.model', model);
    if (usage) {
      span.setAttribute('gen_ai.usage.input_tokens', usage.prompt_tokens);
      span.setAttribute('gen_ai.usage.output_tokens', usage.completion_tokens);
    }
  }

  #failed(span: Span, labels: CallLabels, error: unknown, started: number): void {
    const errorType = errorTypeOf(error);
    genAiOperationDuration.observe(
      this.#metricLabels(labels, '', 'error_type', errorType),
      (performance.now() - started) / 1000,
    );
    if (errorType !== 'cancelled')
      upstreamErrors.inc({
        application: this.applicationId,
        endpoint: this.endpointId,
        provider: this.provider,
        error_type: errorType,
      });
    span.setAttribute('error.type', errorType);
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : errorType,
    });
    span.end();
  }

  /**
   * The GenAI metric labels, and the one label a metric adds (`error_type`, `gen_ai_token_type`) set
   * on the same object: copying it with a spread and a new key costs more than the observation.
   */
  #metricLabels(
    labels: CallLabels,
    responseModel: string,
    extra?: 'error_type' | 'gen_ai_token_type',
    extraValue = '',
  ): Record<string, string> {
    const metric: Record<string, string> = {
      gen_ai_operation_name: GEN_AI_OPERATIONS[labels.operation],
      gen_ai_provider_name: this.#providerName,
      gen_ai_request_model: labels.requestModel,
      gen_ai_response_model: responseModel,
    };
    if (extra !== undefined) metric[extra] = extraValue;
    return metric;
  }
}

class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

/** `error.type`: the upstream failure kind, the client error's code, or `cancelled`. */
function errorTypeOf(error: unknown): string {
  if (error instanceof UpstreamFailure) return error.kind;
  if (error instanceof GatewayError) return error.code;
  if (error instanceof CancelledError || (error instanceof Error && error.name === 'AbortError'))
    return 'cancelled';
  return 'internal_error';
}

/** Wraps an endpoint's adapter in its GenAI span and metrics (see `TracedProviderAdapter`). */
export function traceProviderAdapter(
  adapter: ProviderAdapter,
  endpoint: ResolvedEndpoint,
  applicationId: string,
): ProviderAdapter {
  return new TracedProviderAdapter(adapter, endpoint, applicationId);
}
