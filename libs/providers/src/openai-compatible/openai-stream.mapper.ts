import type { Usage } from '@aigw/contracts';
import type { StreamTranslator } from '../translation/translated-stream.mapper';
import { translatedChunks } from '../translation/translated-stream.mapper';
import type { SseEvent } from '../upstream/sse.parser';
import type { StreamBody } from '../upstream/upstream-body';
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
 * (https://platform.openai.com/docs/api-reference/chat-streaming), a batch per network read: the
 * translated streams' reader with a translator that passes chunks through. A cut connection, a stream
 * that ends without `[DONE]`, a chunk that is not a JSON object and an in-band error all throw an
 * `UpstreamFailure` (after the batch of the chunks before it).
 */
export function openAiStreamChunks(
  body: StreamBody,
  sink: StreamUsageSink,
): AsyncGenerator<readonly string[], void, undefined> {
  return translatedChunks(body, new OpenAiPassThrough(sink));
}

/** OpenAI chunks as they came, validated; `[DONE]` ends the answer. */
class OpenAiPassThrough implements StreamTranslator {
  done = false;

  constructor(private readonly sink: StreamUsageSink) {}

  event(event: SseEvent): readonly string[] {
    if (event.data !== OPENAI_STREAM_DONE) return [chunkText(event, this.sink)];
    this.done = true;
    return [];
  }

  end(): readonly string[] {
    if (!this.done)
      throw new UpstreamFailure('connection_error', 'the upstream ended the stream before [DONE]');
    return [];
  }

  usage(): Usage | null {
    return this.sink.usage;
  }
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
