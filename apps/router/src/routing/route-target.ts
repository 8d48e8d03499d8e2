import type { ResolvedEndpoint, ResolvedRoutingPolicy } from '@aigw/config';
import type { ProviderAdapter } from '@aigw/providers';

/** One endpoint of an application, with the adapter that calls it. */
export interface RouteTarget {
  readonly applicationId: string;
  readonly endpoint: ResolvedEndpoint;
  readonly adapter: ProviderAdapter;
  /**
   * The application's routing policy, resolved: admission checks read `policy.fallback` (e.g. whether an
   * endpoint whose local quota is spent is passed over, `rate_limiting`, or answers 429).
   */
  readonly policy: ResolvedRoutingPolicy;
  /** Model sent upstream instead of the client's, for this attempt (`model-based`). */
  readonly upstreamModel?: string;
}

/** Replaces the client's `model` for targets that name their own. */
export function bodyFor(target: RouteTarget, body: Record<string, unknown>): Record<string, unknown> {
  return target.upstreamModel === undefined ? body : { ...body, model: target.upstreamModel };
}
