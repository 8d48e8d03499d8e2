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
 */
export async function* withIdleTimeout<T>(
  source: AsyncIterable<T>,
  idleMs: number,
  onIdle: () => void,
): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      const result = await nextWithin(iterator, idleMs, onIdle);
      if (result.done) {
        finished = true;
        return;
      }
      yield result.value;
    }
  } finally {
    // Release the source early (consumer stopped, or idle): its own teardown closes the upstream.
    if (!finished) iterator.return?.().catch(() => undefined);
  }
}

function nextWithin<T>(
  iterator: AsyncIterator<T>,
  idleMs: number,
  onIdle: () => void,
): Promise<IteratorResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new IdleTimeoutError(idleMs));
      onIdle();
    }, idleMs);
  });
  // A `next()` that settles after the timeout is still handled by the race: no unhandled rejection.
  return Promise.race([iterator.next(), idle]).finally(() => clearTimeout(timer));
}
