import type { Clock } from '../clock';
import type { Routable, RoutingStrategy } from '../routing-strategy.interface';
import { priorityTiers } from '../routing-strategy.interface';

/** Decay time of the latency average: a sample weighs half after ~7 s. */
const DECAY_MS = 10_000;

interface Load {
  ewmaMs: number;
  lastMs: number;
  inFlight: number;
}

/**
 * Peak-EWMA (Finagle, Linkerd): an endpoint's cost is its decaying average latency, which jumps to any
 * slower sample at once, times its requests in flight + 1. Cheapest first inside each priority tier; an
 * endpoint never measured costs 0, so it gets tried. With `latency: false` it is least-in-flight.
 * Measured per router replica.
 */
export class LeastLoadedStrategy implements RoutingStrategy {
  private readonly loads = new Map<string, Load>();

  constructor(
    private readonly clock: Clock,
    private readonly latency: boolean,
  ) {}

  *order<T extends Routable>(targets: readonly T[]): Iterable<T> {
    for (const tier of priorityTiers(targets)) {
      const costed = tier.map((target, index) => ({ target, index, cost: this.cost(target.endpoint.id) }));
      costed.sort((a, b) => a.cost - b.cost || a.index - b.index);
      for (const { target } of costed) yield target;
    }
  }

  started(endpointId: string): void {
    this.load(endpointId).inFlight += 1;
  }

  answered(endpointId: string, durationMs: number): void {
    const load = this.load(endpointId);
    const now = this.clock.now();
    if (durationMs > load.ewmaMs) load.ewmaMs = durationMs;
    else {
      const keep = Math.exp(-Math.max(0, now - load.lastMs) / DECAY_MS);
      load.ewmaMs = load.ewmaMs * keep + durationMs * (1 - keep);
    }
    load.lastMs = now;
  }

  done(endpointId: string): void {
    const load = this.load(endpointId);
    load.inFlight = Math.max(0, load.inFlight - 1);
  }

  private cost(endpointId: string): number {
    const load = this.loads.get(endpointId);
    if (load === undefined) return 0;
    return this.latency ? load.ewmaMs * (load.inFlight + 1) : load.inFlight;
  }

  private load(endpointId: string): Load {
    let load = this.loads.get(endpointId);
    if (load === undefined) {
      load = { ewmaMs: 0, lastMs: this.clock.now(), inFlight: 0 };
      this.loads.set(endpointId, load);
    }
    return load;
  }
}

/** `least-latency`: peak-EWMA latency × (in flight + 1). */
export class LeastLatencyStrategy extends LeastLoadedStrategy {
  constructor(clock: Clock) {
    super(clock, true);
  }
}
