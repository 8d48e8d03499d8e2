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
    const commit = new GroupCommit(w.write, { maxBatch: 100 });
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
    const commit = new GroupCommit(w.write, { maxBatch: 2 });
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
    const commit = new GroupCommit(w.write, { maxBatch: 10 });
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

  it('settles a submission of several items once all are written, across batches, in order', async () => {
    const w = gatedWrite();
    const commit = new GroupCommit(w.write, { maxBatch: 2 });
    const lone = commit.submit(1);
    let whole: number[] | null = null;
    const job = commit.submitAll([2, 3, 4]).then((results) => (whole = results));
    w.release();
    await settle();
    expect(w.batches).toEqual([[1], [2, 3]]);
    w.release();
    await settle();
    expect(whole).toBeNull(); // 4 is not written yet
    w.release();
    await expect(job).resolves.toEqual([20, 30, 40]);
    await expect(lone).resolves.toBe(10);
    expect(w.batches).toEqual([[1], [2, 3], [4]]);
    await expect(commit.submitAll([])).resolves.toEqual([]);
  });

  it('rejects a submission when any write carrying its items fails', async () => {
    const w = gatedWrite();
    const commit = new GroupCommit(w.write, { maxBatch: 1 });
    const job = commit.submitAll([1, 2]);
    w.release();
    await settle();
    w.failNext(new Error('disk full'));
    w.release();
    await expect(job).rejects.toThrow('disk full');
  });

  describe('with a linger', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('holds the first item of an idle moment for lingerMs and writes what came meanwhile with it', async () => {
      const w = gatedWrite();
      const commit = new GroupCommit(w.write, { maxBatch: 10, lingerMs: 25 });
      const first = [1, 2].map((n) => commit.submit(n));
      jest.advanceTimersByTime(24);
      const third = commit.submit(3);
      expect(w.batches).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(w.batches).toEqual([[1, 2, 3]]);
      w.release();
      await expect(Promise.all([...first, third])).resolves.toEqual([10, 20, 30]);
    });

    it('flush writes what is lingering at once (shutdown)', async () => {
      const w = gatedWrite();
      const commit = new GroupCommit(w.write, { maxBatch: 10, lingerMs: 60_000 });
      const item = commit.submit(7);
      commit.flush();
      expect(w.batches).toEqual([[7]]);
      w.release();
      await expect(item).resolves.toBe(70);
    });

    it('writes a full batch at once, and what arrived during a write right after it', async () => {
      const w = gatedWrite();
      const commit = new GroupCommit(w.write, { maxBatch: 2, lingerMs: 1_000 });
      const full = [1, 2].map((n) => commit.submit(n));
      expect(w.batches).toEqual([[1, 2]]);
      const later = commit.submit(3);
      w.release();
      await expect(Promise.all(full)).resolves.toEqual([10, 20]);
      expect(w.batches).toEqual([[1, 2], [3]]);
      w.release();
      await expect(later).resolves.toBe(30);
    });
  });
});
