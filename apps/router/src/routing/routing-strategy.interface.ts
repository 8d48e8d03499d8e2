/** What a strategy needs to know of an endpoint. */
export interface Routable {
  readonly endpoint: { readonly id: string; readonly priority: number };
}

/**
 * Picks the order in which a request tries an application's endpoints. Failover walks the returned
 * list; cool-downs are applied by the failover, not by strategies.
 */
export interface RoutingStrategy {
  order<T extends Routable>(targets: readonly T[]): readonly T[];
}

export const ROUTING_STRATEGY = Symbol('ROUTING_STRATEGY');
