import type { GatewayConfig } from './load-config';

/** One configuration as a service serves it. */
export interface ConfigSnapshot {
  /**
   * The admin store's revision number (strictly increasing, one per committed change); 0 for the
   * file the process read at start, which any revision of the store replaces.
   */
  readonly revision: number;
  readonly config: GatewayConfig;
}

export type ConfigChangeListener = (next: ConfigSnapshot, previous: ConfigSnapshot) => void;

/** The file read at start: revision 0. */
export const FILE_REVISION = 0;

/**
 * The configuration a service serves now, held as one reference that a change swaps at once. A
 * request takes `current` once and keeps that snapshot to its end, so it never sees half of two
 * configurations and a change never cuts it. `offer` installs a newer revision only: an older or equal
 * one (a duplicate or late broadcast, a slow reply) is ignored, so the order in which changes arrive
 * does not matter. State a service keeps beside the configuration (counters, breakers, history) is
 * not touched by a swap.
 */
export class LiveConfig {
  #current: ConfigSnapshot;
  readonly #listeners = new Set<ConfigChangeListener>();

  constructor(initial: ConfigSnapshot) {
    this.#current = initial;
  }

  /** A holder of the configuration file read at start (until the admin's revisions replace it). */
  static fromFile(config: GatewayConfig): LiveConfig {
    return new LiveConfig({ revision: FILE_REVISION, config });
  }

  get current(): ConfigSnapshot {
    return this.#current;
  }

  /** Shorthand for `current.config`: read it once per operation. */
  get config(): GatewayConfig {
    return this.#current.config;
  }

  /** Installs `next` when its revision is newer than the current one; returns whether it did. */
  offer(next: ConfigSnapshot): boolean {
    if (next.revision <= this.#current.revision) return false;
    const previous = this.#current;
    this.#current = next;
    // Every listener runs even if one throws; the swap is done either way.
    const errors: unknown[] = [];
    for (const listener of this.#listeners) {
      try {
        listener(next, previous);
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'configuration change listeners failed');
    return true;
  }

  /** Called after each swap (to reconcile state derived from the configuration). Returns the unsubscribe. */
  onChange(listener: ConfigChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * A value computed once per snapshot (a lookup table, a plan): `const plan = live.derive(build)`,
   * then `plan()` for the current snapshot or `plan(snapshot)` for the one a request started with.
   */
  derive<T>(build: (config: GatewayConfig) => T): (snapshot?: ConfigSnapshot) => T {
    const built = new WeakMap<ConfigSnapshot, T>();
    return (snapshot = this.#current) => {
      if (built.has(snapshot)) return built.get(snapshot) as T;
      const value = build(snapshot.config);
      built.set(snapshot, value);
      return value;
    };
  }
}
