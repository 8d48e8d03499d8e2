import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CacheOutcome } from './completion-cache';
import { cacheHeaders } from './completion-cache';
import { replayChunks } from './cached-replay';
import { SseWriter } from './sse-writer';

type Hit = Extract<CacheOutcome, { kind: 'hit' }>;

/** A cache hit to the client: the cached JSON, or replayed as a stream to a streaming request. */
export function sendCachedAnswer(
  request: FastifyRequest,
  reply: FastifyReply,
  hit: Hit,
  options: {
    readonly stream: boolean;
    /** Besides the cache headers (the config version, a thread id…). */
    readonly headers: Record<string, string>;
    /** Sees each replayed chunk, as a relayed stream's would be seen. */
    readonly onChunk: (data: string) => void;
  },
): void {
  const headers = { ...options.headers, ...cacheHeaders(hit) };
  if (!options.stream) return void reply.headers(headers).send(hit.body);
  const body = request.body as Record<string, unknown>;
  const streamOptions = body['stream_options'] as { include_usage?: unknown } | null | undefined;
  void reply.hijack();
  const sse = new SseWriter(reply.raw);
  sse.open({ 'x-request-id': String(request.id), ...headers });
  const chunks = replayChunks(hit.body, streamOptions?.include_usage === true);
  for (const chunk of chunks) options.onChunk(chunk);
  sse.data(chunks);
  sse.done();
}
