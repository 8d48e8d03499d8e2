import type { ApiKeyEnvironment } from '@aigw/config';

/** What a strategy needs to know of an endpoint. */
export interface Routable {
  readonly endpoint: { readonly id: string; readonly priority: number; readonly weight?: number };
  /** Model sent upstream instead of the client's (set by `model-based`). */
  readonly upstreamModel?: string;
}

/** What of the request a strategy may route on. */
export interface RoutingContext {
  /** The client's `model` field. */
  readonly model: string | null;
  readonly environment: ApiKeyEnvironment;
  /** The caller's identity for `consistent-hash` (a digest the gateway took from what `hashOn` names). */
  readonly hashKey: string | null;
}

/**
 * Picks the order in which a request tries an application's endpoints. The failover walks the returned
 * iterable lazily, so a strategy that advances state (round robin) only does so for the tiers a request
 * reaches. Cool-downs, breakers and health are applied by the failover, not by strategies. One instance
 * per application; state is local to the router replica.
 */
export interface RoutingStrategy {
  order<T extends Routable>(targets: readonly T[], context: RoutingContext): Iterable<T>;
  /** An attempt on the endpoint begins (latency-aware strategies count it in flight). */
  started?(endpointId: string): void;
  /** The endpoint answered (or failed) after `durationMs`: headers for streams, the whole body otherwise. */
  answered?(endpointId: string, durationMs: number): void;
  /** The attempt holds the endpoint no more (its stream ended, or it failed). */
  done?(endpointId: string): void;
}

/** Weight of an endpoint in its tier: 1 unless configured. */
export function weightOf(target: Routable): number {
  return target.endpoint.weight ?? 1;
}

/** Endpoints grouped by priority, lowest first; each tier keeps the configured order. */
export function priorityTiers<T extends Routable>(targets: readonly T[]): T[][] {
  const tiers = new Map<number, T[]>();
  for (const target of targets) {
    const tier = tiers.get(target.endpoint.priority);
    if (tier === undefined) tiers.set(target.endpoint.priority, [target]);
    else tier.push(target);
  }
  return [...tiers.entries()].sort(([a], [b]) => a - b).map(([, tier]) => tier);
}

/** The routing context of a bus request. */
export function routingContext(request: {
  readonly body: Readonly<Record<string, unknown>>;
  readonly environment?: ApiKeyEnvironment;
  readonly hashKey?: string | null;
}): RoutingContext {
  return {
    model: typeof request.body.model === 'string' ? request.body.model : null,
    environment: request.environment ?? 'production',
    hashKey: request.hashKey ?? null,
  };
}
