import type { Attempt, Usage, UsageEvent } from '@aigw/contracts';
import type { Operation } from '@aigw/openai-schema';
import { statusClass } from '@aigw/observability';
import { performance } from 'node:perf_hooks';

/** nginx's convention for "the client closed the connection before the response was complete". */
export const CLIENT_CLOSED_REQUEST = 499;

/** Accumulates what one request did, as the response goes out, into its usage record. */
export class RequestUsage {
  private readonly startedAt = performance.now();
  private endpointId: string | null = null;
  private provider: string | null = null;
  private model: string | null = null;
  private retries = 0;
  private usage: Usage | null = null;
  private timeToFirstTokenMs: number | null = null;
  private upstreamMs: number | null = null;
  private errorCode: string | null = null;
  private cacheSimilarity: number | null = null;

  constructor(
    private readonly request: {
      requestId: string;
      applicationId: string;
      consumerId: string | null;
      operation: Operation;
      stream: boolean;
      /** The client's `model` field. */
      requestedModel: string | null;
    },
  ) {}

  answered(endpointId: string, provider: string, model: string, retries: number): void {
    this.endpointId = endpointId;
    this.provider = provider;
    this.model = model;
    this.retries = retries;
  }

  /** Answered from the cache: no endpoint, no inference tokens spent. */
  cacheHit(similarity: number): void {
    this.cacheSimilarity = similarity;
  }

  firstToken(): void {
    this.timeToFirstTokenMs ??= performance.now() - this.startedAt;
  }

  tokens(usage: Usage | null): void {
    this.usage = usage;
  }

  /** The answering upstream call's duration (non-stream: from its attempt; stream: to its last chunk). */
  upstreamTook(ms: number): void {
    this.upstreamMs = ms;
  }

  /** The stream's upstream part ended now. */
  upstreamEnded(): void {
    this.upstreamMs = performance.now() - this.startedAt;
  }

  failed(code: string): void {
    this.errorCode = code;
  }

  /** Upstream response time for the access log (APISIX `apisix_upstream_response_time`). */
  get upstreamResponseMs(): number | null {
    return this.upstreamMs;
  }

  finish(status: number): UsageEvent {
    // Field by field, not `...this.request`: a spread is the slow generic copy, once per request.
    const { requestId, applicationId, consumerId, operation, stream, requestedModel } = this.request;
    return {
      requestId,
      applicationId,
      consumerId,
      operation,
      stream,
      requestedModel,
      endpointId: this.endpointId,
      provider: this.provider,
      model: this.model,
      status,
      statusClass: statusClass(status),
      errorCode: this.errorCode,
      throttled: status === 429,
      promptTokens: this.usage?.prompt_tokens ?? 0,
      completionTokens: this.usage?.completion_tokens ?? 0,
      latencyMs: performance.now() - this.startedAt,
      timeToFirstTokenMs: this.timeToFirstTokenMs,
      cacheHit: this.cacheSimilarity !== null,
      cacheSimilarity: this.cacheSimilarity,
      retries: this.retries,
      finishedAt: new Date().toISOString(),
    };
  }
}

export function failedAttempts(attempts: readonly Attempt[]): number {
  return attempts.filter((a) => a.outcome !== 'ok').length;
}

/** How long the attempt that answered took (the last one, `ok`). */
export function answeringAttemptMs(attempts: readonly Attempt[]): number | null {
  const last = attempts.at(-1);
  return last?.outcome === 'ok' ? last.durationMs : null;
}
