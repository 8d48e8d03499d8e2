import type { RouteRequest, RouteResult } from '@aigw/contracts';
import { GatewayError, Subjects, routeResultBody } from '@aigw/contracts';
import type { BusClient } from '@aigw/messaging';
import type { Embedder } from './embedder';

/**
 * Vectors from an `embeddings` application of this gateway (the seed's vectorizing application),
 * asked through the router like any client request: its endpoints, failover and cool-downs apply.
 */
export class ApplicationEmbedder implements Embedder {
  constructor(
    private readonly bus: BusClient,
    readonly name: string,
    readonly dimensions: number,
    private readonly timeoutMs: number,
  ) {}

  async embed(text: string, requestId: string): Promise<number[]> {
    const request: RouteRequest = {
      requestId: `${requestId}.cache-embedding`,
      applicationId: this.name,
      consumerId: null,
      body: { model: this.name, input: text, encoding_format: 'float' },
    };
    const result = await this.bus.request<RouteResult>(Subjects.router.embeddings, request, {
      timeoutMs: this.timeoutMs,
    });
    const data = routeResultBody(result.body)['data'];
    const first = Array.isArray(data) ? (data[0] as { embedding?: unknown } | undefined) : undefined;
    const vector = first?.embedding;
    if (!Array.isArray(vector) || !vector.every((v) => typeof v === 'number'))
      throw new GatewayError(
        'upstream_error',
        `The vectorizer "${this.name}" answered without a float embedding.`,
      );
    if (vector.length !== this.dimensions)
      throw new GatewayError(
        'upstream_error',
        `The vectorizer "${this.name}" answered ${vector.length} dimensions, configured ${this.dimensions}.`,
      );
    return vector;
  }
}
