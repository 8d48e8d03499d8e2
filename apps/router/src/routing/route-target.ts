import type { ResolvedEndpoint } from '@aigw/config';
import type { ProviderAdapter } from '@aigw/providers';

/** One endpoint of an application, with the adapter that calls it. */
export interface RouteTarget {
  readonly applicationId: string;
  readonly endpoint: ResolvedEndpoint;
  readonly adapter: ProviderAdapter;
}
