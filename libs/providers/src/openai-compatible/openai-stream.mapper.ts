import type { Usage } from '@aigw/contracts';
import type { Readable } from 'node:stream';
import { readBody, settleBody } from '../upstream/upstream-body';
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
 * (https://platform.openai.com/docs/api-reference/chat-streaming), a batch per network read. A cut
 * connection, a stream that ends without `[DONE]`, a chunk that is not a JSON object and an in-band
 * error all throw an `UpstreamFailure` (after the batch of the chunks before it).
 */
export async function* openAiStreamChunks(
  body: Readable,
  sink: StreamUsageSink,
): AsyncGenerator<readonly string[], void, undefined> {
  const decoder = new TextDecoder();
  const parser = new SseParser();
  let read: ReadChunks | null = null;
  try {
    for await (const bytes of readBody(body)) {
      read = readChunks(parser.push(decoder.decode(bytes, { stream: true })), sink);
      if (read.chunks.length > 0) yield read.chunks;
      if (read.failure !== null) throw read.failure;
      if (read.done) return;
    }
  } catch (error) {
    if (error instanceof UpstreamFailure) throw error;
    throw new UpstreamFailure('connection_error', 'the upstream cut the stream');
  } finally {
    settleBody(body, read?.done === true);
  }
  read = readChunks([...parser.push(decoder.decode()), ...parser.end()], sink);
  if (read.chunks.length > 0) yield read.chunks;
  if (read.failure !== null) throw read.failure;
  if (!read.done)
    throw new UpstreamFailure('connection_error', 'the upstream ended the stream before [DONE]');
}

interface ReadChunks {
  /** The chunks of the events, up to `[DONE]` or the first bad one. */
  readonly chunks: string[];
  /** `[DONE]` came. */
  readonly done: boolean;
  /** What the first bad event failed with: thrown after the chunks before it have gone out. */
  readonly failure: UpstreamFailure | null;
}

function readChunks(events: readonly SseEvent[], sink: StreamUsageSink): ReadChunks {
  const chunks: string[] = [];
  for (const event of events) {
    if (event.data === OPENAI_STREAM_DONE) return { chunks, done: true, failure: null };
    try {
      chunks.push(chunkText(event, sink));
    } catch (error) {
      return { chunks, done: false, failure: error as UpstreamFailure };
    }
  }
  return { chunks, done: false, failure: null };
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
