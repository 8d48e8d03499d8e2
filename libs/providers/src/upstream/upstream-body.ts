import type { Readable } from 'node:stream';

/** How long a body may stay open after the answer's end marker before it is cut. */
const END_GRACE_MS = 1_000;

/**
 * The bytes of a streamed upstream body, for a reader that stops at the answer's end marker (`[DONE]`,
 * `message_stop`) and then `settle`s it. Leaving a Node stream's iterator early destroys the stream,
 * and destroying a body that has not emitted `end` builds an abort error (Node's, then undici's), stack
 * trace formatted, on every request; the end marker usually arrives in the same read as the body's end,
 * so letting the body finish costs nothing.
 */
export function readBody(body: Readable): AsyncIterableIterator<Uint8Array> {
  return body.iterator({ destroyOnReturn: false }) as AsyncIterableIterator<Uint8Array>;
}

/**
 * Once the reader is done: an answer read to its end marker lets the body run to its end (a server that
 * keeps it open is cut after a second); anything else (a failure, a consumer that stopped) destroys it,
 * which releases the upstream connection.
 */
export function settleBody(body: Readable, answered: boolean): void {
  if (body.destroyed || body.readableEnded) return;
  // Nobody reads it any more: the error of its destruction (undici's RequestAbortedError) or of a late
  // reset is no one's to handle.
  body.on('error', () => undefined);
  if (!answered) return void body.destroy();
  const cut = setTimeout(() => body.destroy(), END_GRACE_MS);
  cut.unref();
  body.once('close', () => clearTimeout(cut));
  body.resume();
}
