import { IdleTimeoutError, withIdleTimeout } from './idle-timeout';

/** A source whose items the test releases one by one. */
function manualSource<T>() {
  const waiting: ((result: IteratorResult<T>) => void)[] = [];
  let returned = false;
  const iterable: AsyncIterable<T> = {
    [Symbol.asyncIterator]: () => ({
      next: () => new Promise<IteratorResult<T>>((resolve) => waiting.push(resolve)),
      return: () => {
        returned = true;
        return Promise.resolve({ done: true, value: undefined });
      },
    }),
  };
  return {
    iterable,
    push: (value: T) => waiting.shift()?.({ done: false, value }),
    end: () => waiting.shift()?.({ done: true, value: undefined }),
    get returned() {
      return returned;
    },
  };
}

async function* items<T>(values: readonly T[]): AsyncGenerator<T> {
  yield* values;
}

describe('withIdleTimeout', () => {
  it('passes items through and ends with the source', async () => {
    const seen: number[] = [];
    for await (const item of withIdleTimeout(items([1, 2, 3]), 1_000, () => undefined)) seen.push(item);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('throws and calls onIdle when the source stalls, and releases the source', async () => {
    const source = manualSource<number>();
    const onIdle = jest.fn();
    const guarded = withIdleTimeout(source.iterable, 30, onIdle)[Symbol.asyncIterator]();
    const first = guarded.next();
    source.push(1);
    await expect(first).resolves.toEqual({ done: false, value: 1 });
    await expect(guarded.next()).rejects.toBeInstanceOf(IdleTimeoutError);
    expect(onIdle).toHaveBeenCalledTimes(1);
    expect(source.returned).toBe(true);
  });

  it('counts only the waits: a consumer slower than the timeout between items is not idle', async () => {
    const source = manualSource<number>();
    const onIdle = jest.fn();
    const guarded = withIdleTimeout(source.iterable, 30, onIdle)[Symbol.asyncIterator]();
    for (const value of [1, 2]) {
      const next = guarded.next();
      source.push(value);
      await expect(next).resolves.toEqual({ done: false, value });
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    const last = guarded.next();
    source.end();
    await expect(last).resolves.toEqual({ done: true, value: undefined });
    expect(onIdle).not.toHaveBeenCalled();
  });

  it('times out a wait after items came quickly before it', async () => {
    const source = manualSource<number>();
    const onIdle = jest.fn();
    const guarded = withIdleTimeout(source.iterable, 40, onIdle)[Symbol.asyncIterator]();
    for (const value of [1, 2, 3]) {
      const next = guarded.next();
      source.push(value);
      await next;
    }
    const started = Date.now();
    await expect(guarded.next()).rejects.toBeInstanceOf(IdleTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('passes source errors through', async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      throw new Error('cut');
    }
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const item of withIdleTimeout(failing(), 1_000, () => undefined)) seen.push(item);
      })(),
    ).rejects.toThrow('cut');
    expect(seen).toEqual([1]);
  });

  it('releases the source when the consumer stops early', async () => {
    const source = manualSource<number>();
    const guarded = withIdleTimeout(source.iterable, 1_000, () => undefined)[Symbol.asyncIterator]();
    const first = guarded.next();
    source.push(1);
    await first;
    await guarded.return(undefined);
    expect(source.returned).toBe(true);
  });
});
