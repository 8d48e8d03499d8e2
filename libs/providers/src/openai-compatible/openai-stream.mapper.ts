import type { Usage } from '@aigw/contracts';
import { SseParser } from '../upstream/sse.parser';
import type { SseEvent } from '../upstream/sse.parser';
import { UpstreamFailure } from '../upstream/upstream-failure.error';
import { toUsage } from './openai-usage.mapper';
import type { OpenAiStreamChunk } from './openai-wire.types';
import { OPENAI_STREAM_DONE } from './openai-wire.types';

/** Receives the usage of the final usage chunk (`stream_options.include_usage`). */
export interface StreamUsageSink {
  usage: Usage | null;
}

const MAX_MESSAGE_CHARS = 500;

/**
 * The JSON text of each chunk of an OpenAI SSE stream, unchanged, up to `[DONE]`
 * (https://platform.openai.com/docs/api-reference/chat-streaming). A cut connection, a stream that ends
 * without `[DONE]`, a chunk that is not a JSON object and an in-band error all throw an `UpstreamFailure`.
 */
export async function* openAiStreamChunks(
  body: AsyncIterable<Uint8Array>,
  sink: StreamUsageSink,
): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder();
  const parser = new SseParser();
  try {
    for await (const bytes of body) {
      for (const event of parser.push(decoder.decode(bytes, { stream: true }))) {
        if (event.data === OPENAI_STREAM_DONE) return;
        yield chunkText(event, sink);
      }
    }
  } catch (error) {
    if (error instanceof UpstreamFailure) throw error;
    throw new UpstreamFailure('connection_error', 'the upstream cut the stream');
  }
  for (const event of [...parser.push(decoder.decode()), ...parser.end()]) {
    if (event.data === OPENAI_STREAM_DONE) return;
    yield chunkText(event, sink);
  }
  throw new UpstreamFailure('connection_error', 'the upstream ended the stream before [DONE]');
}

/** Validates one event as an OpenAI chunk and returns its text unchanged. */
export function chunkText(event: SseEvent, sink: StreamUsageSink): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(event.data);
  } catch {
    throw new UpstreamFailure('server_error', 'the upstream sent a malformed stream chunk');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new UpstreamFailure('server_error', 'the upstream sent a stream chunk that is not a JSON object');
  const chunk = parsed as OpenAiStreamChunk;
  if (event.event === 'error' || chunk.error !== undefined) {
    const message = typeof chunk.error === 'string' ? chunk.error : chunk.error?.message;
    throw new UpstreamFailure(
      'server_error',
      `the upstream failed mid-stream${message ? `: ${message.slice(0, MAX_MESSAGE_CHARS)}` : ''}`,
    );
  }
  const usage = toUsage(chunk.usage);
  if (usage !== null) sink.usage = usage;
  return event.data;
}
