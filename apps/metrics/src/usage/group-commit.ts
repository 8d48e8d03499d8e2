export interface GroupCommitOptions {
  /** Most items one write carries. */
  readonly maxBatch: number;
  /**
   * How long the first item of an idle moment waits for company before it is written (0: at once).
   * A few milliseconds turn one transaction per request at low traffic into one per handful; what
   * arrives during a write does not wait again, and a full batch is written at once.
   */
  readonly lingerMs?: number;
}

/**
 * Group commit: items submitted while a write is in progress, or within `lingerMs` of the first one,
 * go together in one write. Under load one write carries many, so the cost per item falls as the
 * traffic grows (one transaction for a batch of usage records instead of one each). A failed write
 * rejects every item of its batch, so each caller (a queue job) is retried on its own terms.
 */
export class GroupCommit<TItem, TResult> {
  /** Items waiting for a write, each with the submission it belongs to and its place in it. */
  readonly #pending: Array<{ item: TItem; submission: Submission<TResult>; index: number }> = [];
  readonly #maxBatch: number;
  readonly #lingerMs: number;
  #writing = false;
  #lingering: NodeJS.Timeout | null = null;

  /** `write` answers one result per item, in order. */
  constructor(
    private readonly write: (items: readonly TItem[]) => Promise<readonly TResult[]>,
    options: GroupCommitOptions,
  ) {
    this.#maxBatch = options.maxBatch;
    this.#lingerMs = options.lingerMs ?? 0;
  }

  submit(item: TItem): Promise<TResult> {
    return this.submitAll([item]).then((results) => results[0]);
  }

  /**
   * Several items (the records of one queue job) under one promise: their results in order, or the
   * first failure of a write that carried any of them.
   */
  submitAll(items: readonly TItem[]): Promise<TResult[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<TResult[]>((resolve, reject) => {
      const submission: Submission<TResult> = {
        results: new Array<TResult>(items.length),
        left: items.length,
        resolve,
        reject,
      };
      items.forEach((item, index) => this.#pending.push({ item, submission, index }));
      if (this.#writing) return;
      if (this.#lingerMs <= 0 || this.#pending.length >= this.#maxBatch) this.#drain();
      else this.#lingering ??= setTimeout(() => this.#drain(), this.#lingerMs);
    });
  }

  /** Writes what is lingering now (at shutdown, say), without waiting for company. */
  flush(): void {
    this.#drain();
  }

  #drain(): void {
    if (this.#lingering !== null) clearTimeout(this.#lingering);
    this.#lingering = null;
    if (this.#writing || this.#pending.length === 0) return;
    this.#writing = true;
    const batch = this.#pending.splice(0, this.#maxBatch);
    this.write(batch.map((entry) => entry.item))
      .then(
        (results) =>
          batch.forEach(({ submission, index }, i) => {
            submission.results[index] = results[i];
            if (--submission.left === 0) submission.resolve(submission.results);
          }),
        (error: unknown) => batch.forEach(({ submission }) => submission.reject(error)),
      )
      .finally(() => {
        this.#writing = false;
        this.#drain();
      });
  }
}

/** One `submitAll`: settles once every item is written, or at the first failed write. */
interface Submission<TResult> {
  readonly results: TResult[];
  left: number;
  readonly resolve: (results: TResult[]) => void;
  readonly reject: (error: unknown) => void;
}
