import type { Routable, RoutingContext } from '../routing-strategy.interface';

/** A target as strategies see it. */
export const target = (id: string, priority = 0, weight?: number): Routable => ({
  endpoint: weight === undefined ? { id, priority } : { id, priority, weight },
});

export const context = (extra: Partial<RoutingContext> = {}): RoutingContext => ({
  model: null,
  environment: 'production',
  hashKey: null,
  ...extra,
});

/** How often each id came first over `n` orderings. */
export function firstCounts(
  n: number,
  order: () => Iterable<{ endpoint: { id: string } }>,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i += 1) {
    const [first] = order();
    if (first !== undefined) counts[first.endpoint.id] = (counts[first.endpoint.id] ?? 0) + 1;
  }
  return counts;
}

export const ids = (targets: Iterable<{ endpoint: { id: string } }>): string[] =>
  [...targets].map((t) => t.endpoint.id);
