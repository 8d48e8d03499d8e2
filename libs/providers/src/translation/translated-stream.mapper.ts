import type { Usage } from '@aigw/contracts';
import type { SseEvent } from '../upstream/sse.parser';
import { StringDecoder } from 'node:string_decoder';
import type { StreamBody } from '../upstream/upstream-body';
import { SseParser } from '../upstream/sse.parser';
import { UpstreamFailure } from '../upstream/upstream-failure.error';

/** Turns one vendor's SSE events into OpenAI chunk texts (see each provider's stream mapper). */
export interface StreamTranslator {
  /** The OpenAI chunk texts for one upstream event; throws an `UpstreamFailure` on an error event. */
  event(event: SseEvent): readonly string[];
  /** The vendor has signalled the end of its answer (Anthropic `message_stop`). */
  readonly done: boolean;
  /** The last chunks once the answer ended; throws an `UpstreamFailure` if it ended incomplete. */
  end(): readonly string[];
  /** The usage so far (complete once the stream has ended); null if the vendor reported none. */
  usage(): Usage | null;
}

/**
 * Reads a vendor's SSE body through a translator and yields OpenAI chunk texts, a batch per network read
 * (see `ProviderStream.chunks`). A cut connection throws an `UpstreamFailure`; so does an error event,
 * after the batch of the chunks before it. Stopping the iteration releases the upstream body.
 */
export async function* translatedChunks(
  body: StreamBody,
  translator: StreamTranslator,
): AsyncGenerator<readonly string[], void, undefined> {
  // StringDecoder, not TextDecoder: the same UTF-8 handling of a character split across reads, without
  // opening an ICU converter for every stream.
  const decoder = new StringDecoder('utf8');
  const parser = new SseParser();
  const source = body.read();
  let answered = false;
  try {
    for (;;) {
      const next = await nextBytes(source);
      const events = next.done
        ? [...parser.push(decoder.end()), ...parser.end()]
        : parser.push(decoder.write(next.value));
      const chunks: string[] = [];
      let failure: { error: unknown } | null = null;
      let ended = next.done === true;
      try {
        for (const event of events) {
          chunks.push(...translator.event(event));
          if (translator.done) {
            ended = true;
            break;
          }
        }
        if (ended) chunks.push(...translator.end());
      } catch (error) {
        failure = { error };
      }
      answered = ended && failure === null;
      if (chunks.length > 0) yield chunks;
      if (failure !== null) throw failure.error;
      if (ended) return;
    }
  } finally {
    body.settle(answered);
  }
}

async function nextBytes(source: AsyncIterator<Uint8Array>): Promise<IteratorResult<Uint8Array>> {
  try {
    return await source.next();
  } catch {
    throw new UpstreamFailure('connection_error', 'the upstream cut the stream');
  }
}

const MAX_MESSAGE_CHARS = 500;

/** An event's JSON object; anything else is a malformed stream. */
export function parseEventJson(event: SseEvent): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(event.data);
  } catch {
    throw new UpstreamFailure('server_error', 'the upstream sent a malformed stream event');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new UpstreamFailure('server_error', 'the upstream sent a stream event that is not a JSON object');
  return parsed as Record<string, unknown>;
}

export function midStreamFailure(message: string | undefined): UpstreamFailure {
  return new UpstreamFailure(
    'server_error',
    `the upstream failed mid-stream${message ? `: ${message.slice(0, MAX_MESSAGE_CHARS)}` : ''}`,
  );
}
