/** What the console reads from the admin API (see its OpenAPI document: RouterState, MetricsSeries, Consumer). */

export interface LimitCounter {
  readonly label: string;
  readonly measure: string;
  readonly limit: number;
  readonly used: number;
  readonly windowMs: number;
  readonly resetMs: number;
}

export interface EndpointState {
  readonly endpointId: string;
  readonly provider: string;
  readonly priority: number;
  readonly health: 'healthy' | 'unhealthy' | 'unchecked';
  readonly breaker: { readonly state: 'closed' | 'open' | 'half_open'; readonly retryAfterMs: number | null };
  readonly coolDownMs: number;
  readonly overloadedMs: number;
  readonly limits: readonly LimitCounter[];
}

export interface ApplicationState {
  readonly applicationId: string;
  readonly type: string;
  readonly strategy: string;
  readonly limits: readonly LimitCounter[];
  readonly endpoints: readonly EndpointState[];
}

export interface RouterState {
  readonly configVersion: string;
  readonly store: 'shared' | 'local';
  readonly applications: readonly ApplicationState[];
  readonly readAt: string;
}

export interface MetricsPoint {
  readonly time: string;
  readonly requests: number;
  readonly failed: number;
  readonly tokens: number;
  readonly latencyMs: number | null;
  readonly cacheHits: number;
}

export interface MetricsSeries {
  readonly intervalMinutes: number;
  readonly historyCount: number;
  readonly readAt: string;
  readonly total: readonly MetricsPoint[];
  readonly applications: readonly {
    readonly applicationId: string;
    readonly points: readonly MetricsPoint[];
  }[];
}

export type Credential =
  | { readonly kind: 'key'; readonly fingerprint: string }
  | { readonly kind: 'env'; readonly env: string }
  | { readonly kind: 'revoked' };

export interface Consumer {
  readonly id: string;
  readonly applications?: readonly string[] | null;
  readonly environment?: string;
  readonly credential: Credential;
}

/** A write's response; `key` only when it generated one. */
export interface ChangeEnvelope<T> {
  readonly version: string;
  readonly committed: boolean;
  readonly data?: T;
  readonly key?: string;
}
