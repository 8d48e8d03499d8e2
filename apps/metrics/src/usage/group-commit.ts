/**
 * Group commit: items submitted while a write is in progress wait and go together in the next write.
 * Alone, an item is written at once; under load one write carries many, so the cost per item falls as
 * the traffic grows (one transaction for a batch of usage records instead of one each). A failed write
 * rejects every item of its batch, so each caller (a queue job) is retried on its own terms.
 */
export class GroupCommit<TItem, TResult> {
  readonly #pending: Array<{
    item: TItem;
    resolve: (result: TResult) => void;
    reject: (error: unknown) => void;
  }> = [];
  #writing = false;

  /** `write` answers one result per item, in order. */
  constructor(
    private readonly write: (items: readonly TItem[]) => Promise<readonly TResult[]>,
    private readonly maxBatch: number,
  ) {}

  submit(item: TItem): Promise<TResult> {
    return new Promise<TResult>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      this.#drain();
    });
  }

  #drain(): void {
    if (this.#writing || this.#pending.length === 0) return;
    this.#writing = true;
    const batch = this.#pending.splice(0, this.maxBatch);
    this.write(batch.map((entry) => entry.item))
      .then(
        (results) => batch.forEach((entry, i) => entry.resolve(results[i])),
        (error: unknown) => batch.forEach((entry) => entry.reject(error)),
      )
      .finally(() => {
        this.#writing = false;
        this.#drain();
      });
  }
}
