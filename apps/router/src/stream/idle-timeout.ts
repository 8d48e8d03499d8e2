/** The source produced nothing for longer than the allowed gap. */
export class IdleTimeoutError extends Error {
  constructor(readonly idleMs: number) {
    super(`nothing received for ${idleMs} ms`);
    this.name = 'IdleTimeoutError';
  }
}

/**
 * Yields what `source` yields, but throws an `IdleTimeoutError` when the wait for the next item (the
 * first one included) exceeds `idleMs`, after calling `onIdle` so the caller can abort the source.
 * Only the waits count: the consumer's time between items does not. One timer serves the whole
 * stream, re-armed at each wait (a timer and a race per item cost more than the item on a fast stream).
 */
export async function* withIdleTimeout<T>(
  source: AsyncIterable<T>,
  idleMs: number,
  onIdle: () => void,
): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  /** Fails the wait in progress; null between waits. */
  let failWait: ((error: IdleTimeoutError) => void) | null = null;
  const timer = setTimeout(() => {
    const fail = failWait;
    if (fail === null) return;
    failWait = null;
    fail(new IdleTimeoutError(idleMs));
    onIdle();
  }, idleMs);
  try {
    for (;;) {
      timer.refresh();
      // A `next()` that settles after the timeout settles a promise already rejected: nothing unhandled.
      const result = await new Promise<IteratorResult<T>>((resolve, reject) => {
        failWait = reject;
        iterator.next().then(resolve, reject);
      });
      failWait = null;
      if (result.done) {
        finished = true;
        return;
      }
      yield result.value;
    }
  } finally {
    clearTimeout(timer);
    // Release the source early (consumer stopped, or idle): its own teardown closes the upstream.
    if (!finished) iterator.return?.().catch(() => undefined);
  }
}
