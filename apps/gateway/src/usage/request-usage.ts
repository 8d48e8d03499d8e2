import type { Attempt, Usage, UsageEvent } from '@aigw/contracts';
import type { Operation } from '@aigw/openai-schema';
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
  private cacheSimilarity: number | null = null;

  constructor(
    private readonly request: {
      requestId: string;
      applicationId: string;
      consumerId: string | null;
      operation: Operation;
      stream: boolean;
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

  finish(status: number): UsageEvent {
    return {
      ...this.request,
      endpointId: this.endpointId,
      provider: this.provider,
      model: this.model,
      status,
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
