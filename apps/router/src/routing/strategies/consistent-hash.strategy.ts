import type { Routable, RoutingContext, RoutingStrategy } from '../routing-strategy.interface';
import { priorityTiers, weightOf } from '../routing-strategy.interface';
import { WeightedRoundRobinStrategy } from './weighted-round-robin.strategy';

/**
 * APISIX `chash` by weighted rendezvous hashing (highest random weight): each endpoint scores
 * `-weight / ln(h)` with `h` the key's hash with the endpoint id mapped into (0, 1); the highest score
 * serves the key, the next ones are its failover order. The same key always gets the same endpoint, and
 * adding or removing an endpoint moves only the keys it wins or held (no ring to rebalance).
 * Priority tiers apply first. A request without a key is balanced by weighted round robin.
 * See https://en.wikipedia.org/wiki/Rendezvous_hashing#Weighted_rendezvous_hash
 */
export class ConsistentHashStrategy implements RoutingStrategy {
  private readonly fallback = new WeightedRoundRobinStrategy();

  *order<T extends Routable>(targets: readonly T[], context: RoutingContext): Iterable<T> {
    const key = context.hashKey;
    if (key === null) {
      yield* this.fallback.order(targets);
      return;
    }
    for (const tier of priorityTiers(targets)) {
      const scored = tier.map((target) => ({ target, score: score(key, target) }));
      scored.sort((a, b) => b.score - a.score);
      for (const { target } of scored) yield target;
    }
  }
}

function score(key: string, target: Routable): number {
  const weight = weightOf(target);
  const h = (hash32(`${target.endpoint.id}\u0000${key}`) + 0.5) / 4_294_967_296;
  // Weight 0 endpoints sort last (below every real score, which is > 0), still in a stable order.
  return weight > 0 ? -weight / Math.log(h) : -1 / h;
}

/** FNV-1a over UTF-16 code units with murmur3's finaliser for avalanche. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
