import { errors } from 'undici';

/** How long a body may stay open after the answer's end marker before it is cut. */
const END_GRACE_MS = 1_000;

/** Bytes waiting for a slow reader before the upstream connection stops being read. */
const HIGH_WATER_BYTES = 64 * 1024;

/**
 * The bytes of a streamed upstream body, for a reader that stops at the answer's end marker (`[DONE]`,
 * `message_stop`) and then `settle`s it.
 */
export interface StreamBody {
  /** The chunks as they arrive; a cut connection rejects. Leaving early releases nothing: `settle` does. */
  read(): AsyncIterator<Uint8Array>;
  /**
   * The reader is done. An answer read to its end marker lets the body run to its end (a server that
   * keeps it open is cut after a second): the end marker usually arrives in the same read as the body's
   * end, and cutting a connection costs an abort error and a new connection. Anything else (a failure,
   * a consumer that stopped) cuts it at once, which releases the upstream connection.
   */
  settle(answered: boolean): void;
}

/**
 * A 2xx body as undici's dispatcher hands it over (`UpstreamHttpClient.postStream`): its chunks queue
 * here for the reader, without the Readable, its async iterator and their ticks that `request`'s body
 * adds to every stream. Past `HIGH_WATER_BYTES` waiting, the connection is paused until the reader
 * catches up.
 */
export class DispatchedBody implements StreamBody {
  readonly #queue: Buffer[] = [];
  #queued = 0;
  #paused = false;
  #waiter: {
    resolve: (result: IteratorResult<Uint8Array>) => void;
    reject: (error: unknown) => void;
  } | null = null;
  #ended = false;
  #error: Error | null = null;
  /** Settled as answered: what still comes is dropped until the end. */
  #draining = false;
  #cut: NodeJS.Timeout | null = null;

  /** `cut` drops the connection (undici's `abort`); `resume` reads it again after a pause. */
  constructor(
    private readonly cut: (reason: Error) => void,
    private readonly resume: () => void,
  ) {}

  /** undici's `onData`: false pauses the connection. */
  push(chunk: Buffer): boolean {
    if (this.#draining || this.#ended) return true;
    const waiter = this.#waiter;
    if (waiter !== null) {
      this.#waiter = null;
      waiter.resolve({ value: chunk, done: false });
      return true;
    }
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    if (this.#queued < HIGH_WATER_BYTES) return true;
    this.#paused = true;
    return false;
  }

  /** The body ended: completely (`error` null) or cut. */
  end(error: Error | null): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    if (this.#cut !== null) clearTimeout(this.#cut);
    const waiter = this.#waiter;
    this.#waiter = null;
    if (waiter === null) return;
    if (error === null) waiter.resolve({ value: undefined, done: true });
    else waiter.reject(error);
  }

  /** Ended, and how: for specs and logs. */
  get state(): 'open' | 'ended' | 'cut' {
    if (!this.#ended) return 'open';
    return this.#error === null ? 'ended' : 'cut';
  }

  read(): AsyncIterator<Uint8Array> {
    return { next: () => this.#next() };
  }

  settle(answered: boolean): void {
    if (this.#ended) return;
    this.#queue.length = 0;
    this.#queued = 0;
    if (!answered) return this.#abort();
    this.#draining = true;
    if (this.#paused) {
      this.#paused = false;
      this.resume();
    }
    this.#cut = setTimeout(() => this.#abort(), END_GRACE_MS);
    this.#cut.unref();
  }

  #next(): Promise<IteratorResult<Uint8Array>> {
    const chunk = this.#queue.shift();
    if (chunk !== undefined) {
      this.#queued -= chunk.length;
      if (this.#paused && this.#queued < HIGH_WATER_BYTES) {
        this.#paused = false;
        this.resume();
      }
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.#ended)
      return this.#error === null
        ? Promise.resolve({ value: undefined, done: true })
        : Promise.reject(this.#error);
    return new Promise((resolve, reject) => (this.#waiter = { resolve, reject }));
  }

  #abort(): void {
    const reason = new errors.RequestAbortedError();
    this.end(reason);
    this.cut(reason);
  }
}
