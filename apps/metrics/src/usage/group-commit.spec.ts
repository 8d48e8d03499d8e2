import { GroupCommit } from './group-commit';

/** A write that waits until the test releases it, recording the batches it was given. */
function gatedWrite() {
  const batches: number[][] = [];
  const gates: Array<() => void> = [];
  let fail: Error | null = null;
  const write = (items: readonly number[]) => {
    batches.push([...items]);
    return new Promise<number[]>((resolve, reject) => {
      gates.push(() => {
        const error = fail;
        fail = null;
        if (error) reject(error);
        else resolve(items.map((n) => n * 10));
      });
    });
  };
  return {
    write,
    batches,
    release: () => gates.shift()?.(),
    failNext: (error: Error) => (fail = error),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('writes a lone item at once and batches those that arrive during the write', async () => {
    const w = gatedWrite();
    const commit = new GroupCommit(w.write, 100);
    const first = commit.submit(1);
    const rest = [2, 3, 4].map((n) => commit.submit(n));
    expect(w.batches).toEqual([[1]]);
    w.release();
    await expect(first).resolves.toBe(10);
    await settle();
    expect(w.batches).toEqual([[1], [2, 3, 4]]);
    w.release();
    await expect(Promise.all(rest)).resolves.toEqual([20, 30, 40]);
  });

  it('splits a backlog into batches of at most maxBatch', async () => {
    const w = gatedWrite();
    const commit = new GroupCommit(w.write, 2);
    const all = [1, 2, 3, 4, 5].map((n) => commit.submit(n));
    for (let i = 0; i < 3; i += 1) {
      w.release();
      await settle();
    }
    await expect(Promise.all(all)).resolves.toEqual([10, 20, 30, 40, 50]);
    expect(w.batches).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('rejects every item of a failed batch and goes on with the next', async () => {
    const w = gatedWrite();
    const commit = new GroupCommit(w.write, 10);
    const first = commit.submit(1);
    const second = [2, 3].map((n) => commit.submit(n));
    w.failNext(new Error('connection refused'));
    w.release();
    await expect(first).rejects.toThrow('connection refused');
    await settle();
    w.release();
    await expect(Promise.all(second)).resolves.toEqual([20, 30]);
    expect(w.batches).toEqual([[1], [2, 3]]);
  });
});
