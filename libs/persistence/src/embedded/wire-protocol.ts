/**
 * Just enough of the PostgreSQL frontend/backend protocol v3 to multiplex several client connections
 * onto PGlite's single session. See https://www.postgresql.org/docs/current/protocol-message-formats.html
 */

/** Codes of the untyped messages a client may send before (or instead of) its StartupMessage. */
const SSL_REQUEST_CODE = 80877103;
const GSSENC_REQUEST_CODE = 80877104;
const CANCEL_REQUEST_CODE = 80877102;
const PROTOCOL_3_0 = 196608;

/** Upper bound on one frontend message; PostgreSQL itself refuses messages over 1 GB. */
const MAX_MESSAGE_BYTES = 1 << 30;

/**
 * Extended-protocol messages that only make sense together with the messages that follow them up to the
 * next Sync: Parse, Bind, Describe, Execute, Close, and CopyData (closed by CopyDone/CopyFail). They are
 * buffered so that a whole batch reaches PGlite at once. Every other message (Sync, Query, Flush,
 * CopyDone, CopyFail, FunctionCall, password messages...) ends a unit and is sent with what precedes it.
 */
const BATCHED_MESSAGE_TYPES = new Set(['P', 'B', 'D', 'E', 'C', 'd']);

export type FrontendEvent =
  /** Bytes to execute on PGlite, ending at a point where the client waits for an answer. */
  | { readonly kind: 'unit'; readonly bytes: Buffer }
  /** The client asked for TLS or GSS encryption: answer 'N' (not supported) and carry on in clear. */
  | { readonly kind: 'refuse-encryption' }
  /** A CancelRequest (PGlite has no backend process to signal) or a Terminate: close the connection. */
  | { readonly kind: 'close' }
  | { readonly kind: 'protocol-error'; readonly message: string };

/**
 * Splits the byte stream of one client connection into units. Feed it every chunk read from the
 * socket; it returns the events that became complete, in order.
 */
export class FrontendFramer {
  #buffer: Buffer = Buffer.alloc(0);
  #pending: Buffer[] = [];
  #started = false;
  #failed = false;

  push(chunk: Buffer): FrontendEvent[] {
    if (this.#failed) return [];
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const events: FrontendEvent[] = [];
    for (;;) {
      const event = this.#started ? this.#nextTyped() : this.#nextUntyped();
      if (event === null) break;
      events.push(event);
      if (event.kind === 'close' || event.kind === 'protocol-error') {
        this.#failed = true;
        break;
      }
    }
    return events;
  }

  /** Startup phase: `int32 length, int32 code, ...` without a type byte. */
  #nextUntyped(): FrontendEvent | null {
    if (this.#buffer.length < 8) return null;
    const length = this.#buffer.readInt32BE(0);
    if (length < 8 || length > 10_000)
      return { kind: 'protocol-error', message: `bad startup packet length ${length}` };
    if (this.#buffer.length < length) return null;
    const code = this.#buffer.readInt32BE(4);
    const message = this.#take(length);
    switch (code) {
      case SSL_REQUEST_CODE:
      case GSSENC_REQUEST_CODE:
        return { kind: 'refuse-encryption' };
      case CANCEL_REQUEST_CODE:
        return { kind: 'close' };
      case PROTOCOL_3_0:
        this.#started = true;
        return { kind: 'unit', bytes: message };
      default:
        return { kind: 'protocol-error', message: `unsupported protocol version ${code}` };
    }
  }

  /** After startup: `byte type, int32 length (including itself), body`. */
  #nextTyped(): FrontendEvent | null {
    for (;;) {
      if (this.#buffer.length < 5) return null;
      const type = String.fromCharCode(this.#buffer[0] ?? 0);
      const length = this.#buffer.readInt32BE(1);
      if (length < 4 || length > MAX_MESSAGE_BYTES)
        return { kind: 'protocol-error', message: `bad length ${length} for message '${type}'` };
      if (this.#buffer.length < length + 1) return null;
      const message = this.#take(length + 1);
      if (type === 'X') return { kind: 'close' };
      this.#pending.push(message);
      if (BATCHED_MESSAGE_TYPES.has(type)) continue;
      const bytes = this.#pending.length === 1 ? message : Buffer.concat(this.#pending);
      this.#pending = [];
      return { kind: 'unit', bytes };
    }
  }

  #take(length: number): Buffer {
    const message = this.#buffer.subarray(0, length);
    this.#buffer = this.#buffer.subarray(length);
    return message;
  }
}

/** Backend transaction status carried by ReadyForQuery: idle, in a transaction block, in a failed one. */
export type TransactionStatus = 'I' | 'T' | 'E';

/**
 * Follows the message boundaries of one unit's response (which may arrive in several chunks) and
 * remembers whether it ended with ReadyForQuery, and with which transaction status. A response that
 * does not end with ReadyForQuery (after a Flush, or while COPY waits for data) means the session is
 * in the middle of an exchange with that client.
 */
export class BackendTracker {
  #header: number[] = [];
  #remaining = 0;
  #lastType = '';
  #lastByte = 0;

  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, chunk.length - i);
        this.#lastByte = chunk[i + take - 1] ?? 0;
        this.#remaining -= take;
        i += take;
        continue;
      }
      this.#header.push(chunk[i] ?? 0);
      i += 1;
      if (this.#header.length < 5) continue;
      const [type = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0] = this.#header;
      this.#header = [];
      this.#lastType = String.fromCharCode(type);
      this.#lastByte = 0;
      this.#remaining = ((b1 << 24) | (b2 << 16) | (b3 << 8) | b4) - 4;
    }
  }

  /** The transaction status if the response so far ends exactly with a ReadyForQuery, else null. */
  get readyStatus(): TransactionStatus | null {
    if (this.#remaining > 0 || this.#header.length > 0 || this.#lastType !== 'Z') return null;
    const status = String.fromCharCode(this.#lastByte);
    return status === 'I' || status === 'T' || status === 'E' ? status : null;
  }
}
