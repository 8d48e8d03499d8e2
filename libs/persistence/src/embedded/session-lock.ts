/** Raised to a waiter whose turn will never come (its connection closed, or it waited too long). */
export class SessionLockCancelledError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SessionLockCancelledError';
  }
}

interface Waiter<Owner> {
  readonly owner: Owner;
  readonly grant: () => void;
  readonly refuse: (error: Error) => void;
  readonly timer: NodeJS.Timeout | undefined;
}

/**
 * Ownership of the one PGlite session. Re-entrant for its owner: a connection keeps the session from
 * its first message until the backend is idle again (ReadyForQuery 'I'), across a whole transaction.
 * Others wait in arrival order.
 */
export class SessionLock<Owner> {
  #owner: Owner | null = null;
  #waiters: Waiter<Owner>[] = [];

  get owner(): Owner | null {
    return this.#owner;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  /** Resolves once `owner` holds the session; rejects after `timeoutMs` (if given) or on cancel. */
  acquire(owner: Owner, timeoutMs?: number): Promise<void> {
    if (this.#owner === owner) return Promise.resolve();
    if (this.#owner === null) {
      this.#owner = owner;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.#remove(owner);
              reject(
                new SessionLockCancelledError(`waited more than ${timeoutMs} ms for the database session`),
              );
            }, timeoutMs);
      this.#waiters.push({ owner, grant: resolve, refuse: reject, timer });
    });
  }

  /** Hands the session to the next waiter. A no-op unless `owner` holds it. */
  release(owner: Owner): void {
    if (this.#owner !== owner) return;
    const next = this.#waiters.shift();
    this.#owner = next?.owner ?? null;
    if (next !== undefined) {
      clearTimeout(next.timer);
      next.grant();
    }
  }

  /** Refuses every pending acquire of `owner` (its connection is gone). */
  cancel(owner: Owner, reason: string): void {
    for (const waiter of this.#remove(owner)) waiter.refuse(new SessionLockCancelledError(reason));
  }

  #remove(owner: Owner): Waiter<Owner>[] {
    const removed = this.#waiters.filter((w) => w.owner === owner);
    this.#waiters = this.#waiters.filter((w) => w.owner !== owner);
    for (const waiter of removed) clearTimeout(waiter.timer);
    return removed;
  }
}
