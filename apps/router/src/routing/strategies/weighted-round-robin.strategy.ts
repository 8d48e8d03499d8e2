import type { Routable, RoutingStrategy } from '../routing-strategy.interface';
import { priorityTiers, weightOf } from '../routing-strategy.interface';
import { SmoothWeightedPicker } from './smooth-weighted.picker';

/**
 * Priority tiers, lowest first (APISIX `priority`); inside a tier the first endpoint is picked by smooth
 * weighted round robin, then the tier's others follow in configured order for failover.
 */
export class WeightedRoundRobinStrategy implements RoutingStrategy {
  private readonly picker = new SmoothWeightedPicker();

  *order<T extends Routable>(targets: readonly T[]): Iterable<T> {
    for (const tier of priorityTiers(targets)) {
      const first = this.pick(tier);
      if (first !== null) yield first;
      for (const target of tier) if (target !== first) yield target;
    }
  }

  pick<T extends Routable>(tier: readonly T[]): T | null {
    if (tier.length === 1) return tier[0] ?? null;
    return this.picker.pick(tier, (t) => t.endpoint.id, weightOf);
  }
}
