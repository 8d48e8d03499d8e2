import { z } from 'zod';

/**
 * How an application spreads requests over its endpoints and what it does when one fails. Field names
 * follow the seeds: APISIX `ai-proxy-multi` (weights, priorities, `chash` `hash_on`, `fallback_strategy`,
 * `checks.active`) and WSO2 APK `modelBasedRoundRobin` (production / sandbox models,
 * `onQuotaExceedSuspendDuration`), in this file's camelCase.
 */

export const ROUTING_STRATEGIES = [
  'priority',
  'weighted',
  'model-based',
  'consistent-hash',
  'least-latency',
  'least-in-flight',
] as const;
export type RoutingStrategyName = (typeof ROUTING_STRATEGIES)[number];

/** The environment of a consumer key (APK): which model list of a `model-based` application serves it. */
export const API_KEY_ENVIRONMENTS = ['production', 'sandbox'] as const;
export type ApiKeyEnvironment = (typeof API_KEY_ENVIRONMENTS)[number];
export const ApiKeyEnvironmentSchema = z.enum(API_KEY_ENVIRONMENTS);

/**
 * When a request moves on to the next endpoint. APISIX's three, plus the two failures every gateway
 * fails over on. `rate_limiting` is read by the local quota check (an exhausted endpoint is passed over
 * regardless of priority instead of answering 429).
 */
export const FALLBACK_TRIGGERS = [
  'rate_limiting',
  'http_429',
  'http_5xx',
  'timeout',
  'connection_error',
] as const;
export type FallbackTrigger = (typeof FALLBACK_TRIGGERS)[number];

/** APISIX's string form: health and local rate limits, no failover on upstream answers. */
const INSTANCE_HEALTH_AND_RATE_LIMITING = 'instance_health_and_rate_limiting';

const FallbackStrategySchema = z.union([
  z.array(z.enum(FALLBACK_TRIGGERS)),
  z.enum([INSTANCE_HEALTH_AND_RATE_LIMITING, 'http_429', 'http_5xx']),
]);

const HashOnSchema = z.strictObject({
  /** `header` (a request header), `consumer` (the API key id), `vars` (`remote_addr`, `uri`, `arg_<name>`, `user`). */
  type: z.enum(['header', 'consumer', 'vars']),
  /** The header name or variable; not used with `consumer`. */
  key: z.string().min(1).max(128).optional(),
});
export type HashOn = z.infer<typeof HashOnSchema>;

const ModelEntrySchema = z.strictObject({
  /** Id of one of the application's endpoints. */
  endpoint: z.string().min(1),
  /** Model name sent upstream. */
  model: z.string().min(1),
  weight: z.number().int().min(0).max(10_000).default(1),
});
export type ModelEntry = z.infer<typeof ModelEntrySchema>;

/** APK's flat list serves every requested model; a map keys lists by the client's `model` (`*`: any other). */
const ModelListSchema = z.union([
  z.array(ModelEntrySchema).min(1),
  z.record(z.string(), z.array(ModelEntrySchema).min(1)),
]);

const ModelBasedSchema = z.strictObject({
  /** Seconds a (endpoint, model) pair is left out after a 429 or an exhausted quota. */
  onQuotaExceedSuspendDuration: z.number().int().min(0).max(86_400).default(60),
  productionModels: ModelListSchema,
  sandboxModels: ModelListSchema.optional(),
});

const RetriesSchema = z.strictObject({
  /** Upstream attempts per request, the first included; default: every endpoint once. */
  maxAttempts: z.number().int().min(1).max(100).optional(),
  /** Full-jitter exponential backoff before each retry: random(0, min(max, base·2^(n-1))). 0: none. */
  backoffBaseMs: z.number().int().min(0).max(60_000).default(0),
  backoffMaxMs: z.number().int().min(0).max(60_000).default(1_000),
  /** Retries may be at most this share of the requests of the last `budgetWindowSeconds`... */
  budgetRatio: z.number().min(0).max(10).default(0.2),
  /** ...plus this many retries per second, so a quiet application can still fail over. */
  budgetMinRetriesPerSecond: z.number().min(0).max(10_000).default(10),
  budgetWindowSeconds: z.number().int().min(1).max(600).default(10),
});

const CircuitBreakerSchema = z.strictObject({
  /** Consecutive 5xx, timeouts or connection errors that open the breaker; 0 disables it. */
  failureThreshold: z.number().int().min(0).max(1_000).default(5),
  /** How long an open breaker rejects before one half-open probe request is let through. */
  openMs: z.number().int().min(1).max(3_600_000).default(30_000),
});

export const RoutingPolicySchema = z.strictObject({
  strategy: z.enum(ROUTING_STRATEGIES).default('priority'),
  /** `consistent-hash` only: what identifies the caller (APISIX `balancer.hash_on` and `key`). */
  hashOn: HashOnSchema.optional(),
  /** `model-based` only (APK `modelBasedRoundRobin`). */
  modelBasedRoundRobin: ModelBasedSchema.optional(),
  fallbackStrategy: FallbackStrategySchema.optional(),
  retries: RetriesSchema.optional(),
  circuitBreaker: CircuitBreakerSchema.optional(),
});
export type RoutingPolicyConfig = z.infer<typeof RoutingPolicySchema>;

const statuses = z.array(z.number().int().min(100).max(599)).min(1);

/** APISIX `checks.active`: an HTTP probe of the endpoint, off the request path. */
export const ActiveHealthCheckSchema = z.strictObject({
  /** Path probed with GET, relative to the endpoint's base URL (`…/v1` + `/models`). */
  path: z
    .string()
    .regex(/^\/[^\s]*$/, 'a path starting with /')
    .default('/models'),
  /** Probe timeout in seconds. */
  timeout: z.number().min(0.05).max(60).default(1),
  /** Send the endpoint's provider key with the probe (vendors refuse `/models` without it). */
  withAuth: z.boolean().default(true),
  healthy: z
    .strictObject({
      interval: z.number().min(0.05).max(3_600).default(1),
      httpStatuses: statuses.default([200, 302]),
      successes: z.number().int().min(1).max(254).default(2),
    })
    .default({ interval: 1, httpStatuses: [200, 302], successes: 2 }),
  unhealthy: z
    .strictObject({
      interval: z.number().min(0.05).max(3_600).default(1),
      httpStatuses: statuses.default([429, 404, 500, 501, 502, 503, 504, 505]),
      httpFailures: z.number().int().min(1).max(254).default(5),
      tcpFailures: z.number().int().min(1).max(254).default(2),
      timeouts: z.number().int().min(1).max(254).default(3),
    })
    .default({
      interval: 1,
      httpStatuses: [429, 404, 500, 501, 502, 503, 504, 505],
      httpFailures: 5,
      tcpFailures: 2,
      timeouts: 3,
    }),
});
export type ActiveHealthCheck = z.infer<typeof ActiveHealthCheckSchema>;

/** Spread into the endpoint schema. */
export const ENDPOINT_ROUTING_FIELDS = {
  /** Share of traffic inside its priority tier (`weighted`, `consistent-hash`); 0: only as a fallback. */
  weight: z.number().int().min(0).max(10_000).optional(),
  checks: z.strictObject({ active: ActiveHealthCheckSchema }).optional(),
};

/** The policy with every default filled in, as the router uses it. */
export interface ResolvedRoutingPolicy {
  readonly strategy: RoutingStrategyName;
  readonly hashOn: HashOn | null;
  readonly modelBased: {
    readonly suspendMs: number;
    readonly production: ReadonlyMap<string, readonly ModelEntry[]>;
    readonly sandbox: ReadonlyMap<string, readonly ModelEntry[]> | null;
  } | null;
  readonly fallback: ReadonlySet<FallbackTrigger>;
  readonly retries: z.output<typeof RetriesSchema>;
  readonly circuitBreaker: z.output<typeof CircuitBreakerSchema>;
}

/** Today's behaviour: fail over on everything that is not the client's mistake. */
export const DEFAULT_FALLBACK: readonly FallbackTrigger[] = FALLBACK_TRIGGERS;

export function resolveRoutingPolicy(policy: RoutingPolicyConfig | undefined): ResolvedRoutingPolicy {
  const model = policy?.modelBasedRoundRobin;
  return {
    strategy: policy?.strategy ?? 'priority',
    hashOn: policy?.hashOn ?? null,
    modelBased:
      model === undefined
        ? null
        : {
            suspendMs: model.onQuotaExceedSuspendDuration * 1_000,
            production: modelMap(model.productionModels),
            sandbox: model.sandboxModels === undefined ? null : modelMap(model.sandboxModels),
          },
    fallback: new Set(fallbackTriggers(policy?.fallbackStrategy)),
    retries: RetriesSchema.parse(policy?.retries ?? {}),
    circuitBreaker: CircuitBreakerSchema.parse(policy?.circuitBreaker ?? {}),
  };
}

function fallbackTriggers(value: RoutingPolicyConfig['fallbackStrategy']): readonly FallbackTrigger[] {
  if (value === undefined) return DEFAULT_FALLBACK;
  if (value === INSTANCE_HEALTH_AND_RATE_LIMITING) return ['rate_limiting'];
  return typeof value === 'string' ? [value] : value;
}

function modelMap(list: z.output<typeof ModelListSchema>): ReadonlyMap<string, readonly ModelEntry[]> {
  return Array.isArray(list) ? new Map([['*', list]]) : new Map(Object.entries(list));
}

/** Cross-field rules of an application's policy; called from the application schema's refinement. */
export function checkRoutingPolicy(
  app: { readonly routing?: RoutingPolicyConfig; readonly endpoints: readonly { readonly id: string }[] },
  ctx: z.RefinementCtx,
): void {
  const policy = app.routing;
  if (policy === undefined) return;
  const issue = (path: PropertyKey[], message: string) =>
    ctx.addIssue({ code: 'custom', path: ['routing', ...path], message });
  if (policy.strategy === 'consistent-hash') {
    if (policy.hashOn === undefined) issue(['hashOn'], 'required for strategy consistent-hash');
    else if (policy.hashOn.type !== 'consumer' && policy.hashOn.key === undefined)
      issue(['hashOn', 'key'], `required when hashing on ${policy.hashOn.type}`);
  }
  const model = policy.modelBasedRoundRobin;
  if (policy.strategy === 'model-based' && model === undefined)
    issue(['modelBasedRoundRobin'], 'required for strategy model-based');
  if (model === undefined) return;
  const ids = new Set(app.endpoints.map((e) => e.id));
  for (const list of ['productionModels', 'sandboxModels'] as const) {
    const value = model[list];
    if (value === undefined) continue;
    for (const [name, entries] of Array.isArray(value) ? [['', value] as const] : Object.entries(value))
      entries.forEach((entry, i) => {
        if (!ids.has(entry.endpoint))
          issue(
            ['modelBasedRoundRobin', list, ...(name === '' ? [] : [name]), i, 'endpoint'],
            `unknown endpoint "${entry.endpoint}"`,
          );
      });
  }
}
