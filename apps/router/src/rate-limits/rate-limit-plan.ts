import type { GatewayConfig, MaxTokensPolicy, RateLimitRule } from '@aigw/config';
import { endpointRules, windowMs } from '@aigw/config';
import type { CounterSpec } from './rate-limit-store.interface';

/** The counters of one application, derived once from the configuration. */
export interface ApplicationLimits {
  /** Checked at admission, before routing: the application's, the consumer's in it, the API key's. */
  readonly admission: (consumerId: string | null) => readonly CounterSpec[];
  /** Checked by the failover before it tries an endpoint. */
  readonly endpoint: (endpointId: string) => readonly CounterSpec[];
  readonly maxTokens: MaxTokensPolicy | undefined;
  /** Whether any endpoint of the application has limits of its own. */
  readonly endpointLimits: boolean;
}

/**
 * Every rule as counters. A rule with `requests` and `tokens` is two counters; counter keys name the
 * scope, the measure and the window, so rules of different scopes never share a count.
 */
export class RateLimitPlan {
  private readonly applications = new Map<string, ApplicationLimits>();

  constructor(config: GatewayConfig) {
    const keyLimits = config.rateLimiting.keyLimits;
    for (const app of config.applications) {
      const own = countersOf(`app|${app.id}`, `application ${app.id}`, app.rateLimits?.limits ?? []);
      const perConsumer = app.rateLimits?.perConsumer ?? [];
      const endpoints = new Map(
        app.endpoints.map((e) => [
          e.id,
          countersOf(`endpoint|${app.id}|${e.id}`, `endpoint ${e.id}`, endpointRules(e)),
        ]),
      );
      const consumers = new Map<string, readonly CounterSpec[]>();
      const admission = (consumerId: string | null): readonly CounterSpec[] => {
        if (consumerId === null) return own;
        let counters = consumers.get(consumerId);
        if (counters === undefined) {
          counters = [
            ...own,
            ...countersOf(
              `consumer|${app.id}|${consumerId}`,
              `consumer ${consumerId} of application ${app.id}`,
              perConsumer,
            ),
            ...countersOf(`key|${consumerId}`, `API key ${consumerId}`, keyLimits.get(consumerId) ?? []),
          ];
          consumers.set(consumerId, counters);
        }
        return counters;
      };
      this.applications.set(app.id, {
        admission,
        endpoint: (endpointId) => endpoints.get(endpointId) ?? [],
        maxTokens: app.rateLimits?.maxTokens,
        endpointLimits: [...endpoints.values()].some((c) => c.length > 0),
      });
    }
  }

  /** The application's limits; `undefined` for an application the configuration does not have. */
  of(applicationId: string): ApplicationLimits | undefined {
    return this.applications.get(applicationId);
  }
}

const MEASURE_WORDS = {
  requests: 'requests',
  total: 'tokens',
  prompt: 'prompt tokens',
  completion: 'completion tokens',
} as const;

function countersOf(scope: string, scopeLabel: string, rules: readonly RateLimitRule[]): CounterSpec[] {
  const byKey = new Map<string, CounterSpec>();
  const add = (measure: CounterSpec['measure'], limit: number, rule: RateLimitRule) => {
    const ms = windowMs(rule);
    const key = `${scope}|${measure}|${ms}`;
    const existing = byKey.get(key);
    if (existing !== undefined && existing.limit <= limit) return;
    const per = typeof rule.window === 'number' ? `${rule.window} s` : rule.window;
    byKey.set(key, {
      key,
      measure,
      limit,
      windowMs: ms,
      label: `${MEASURE_WORDS[measure]} per ${per} of ${scopeLabel}`,
    });
  };
  for (const rule of rules) {
    if (rule.requests !== undefined) add('requests', rule.requests, rule);
    if (rule.tokens !== undefined) add(rule.tokenKind, rule.tokens, rule);
  }
  return [...byKey.values()];
}
