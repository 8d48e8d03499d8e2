import { z } from 'zod';

/**
 * Rate limits and quotas. One rule shape serves every scope (endpoint, application, each consumer of an
 * application, one API key): at most `requests` requests and/or `tokens` tokens of `tokenKind` per
 * fixed window. The seeds' names map onto it (README "Rate limits"): APK AIRateLimitPolicy
 * `requestCount.requestsPerUnit` → `requests`, `tokenCount.requestTokenCount` / `responseTokenCount` /
 * `totalTokenCount` → `tokens` with `tokenKind` `prompt` / `completion` / `total`, `unit` → `window`;
 * APISIX ai-rate-limiting `limit` → `tokens`, `time_window` → `window` (seconds), `limit_strategy`
 * `total_tokens|prompt_tokens|completion_tokens` → `tokenKind`; ganrad `rpm` → the endpoint's `rpm`.
 */
export const TOKEN_KINDS = ['total', 'prompt', 'completion'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

export const WINDOW_UNITS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

const count = z.number().int().positive();

export const RateLimitRuleSchema = z
  .strictObject({
    requests: count.optional(),
    tokens: count.optional(),
    tokenKind: z.enum(TOKEN_KINDS).default('total'),
    /** `minute`, `hour`, `day`, or a number of seconds (APISIX `time_window`). */
    window: z.union([z.enum(['minute', 'hour', 'day']), z.number().int().positive().max(86_400)]),
  })
  .superRefine((rule, ctx) => {
    if (rule.requests === undefined && rule.tokens === undefined)
      ctx.addIssue({ code: 'custom', path: [], message: 'give requests, tokens or both' });
  });
export type RateLimitRule = z.infer<typeof RateLimitRuleSchema>;

const rules = z.array(RateLimitRuleSchema);

/** Spread into the endpoint schema: the endpoint's own capacity, shared by every consumer. */
export const ENDPOINT_RATE_LIMIT_FIELDS = {
  /** Requests per minute (ganrad `rpm`). */
  rpm: count.optional(),
  /** Tokens (total) per minute. */
  tpm: count.optional(),
  /** More rules, e.g. APISIX `ai-rate-limiting.instances[]` with another window or token kind. */
  rateLimits: rules.optional(),
};

export const MaxTokensPolicySchema = z.strictObject({
  limit: count,
  /** `cap`: lower (or set) `max_tokens` to the limit; `reject`: a larger `max_tokens` is a 400. */
  action: z.enum(['cap', 'reject']).default('cap'),
});
export type MaxTokensPolicy = z.infer<typeof MaxTokensPolicySchema>;

export const ApplicationRateLimitsSchema = z.strictObject({
  /** Limits of the application as a whole (every consumer together). */
  limits: rules.default([]),
  /** Limits each consumer key has on its own in this application (APISIX per consumer). */
  perConsumer: rules.default([]),
  maxTokens: MaxTokensPolicySchema.optional(),
});
export type ApplicationRateLimits = z.infer<typeof ApplicationRateLimitsSchema>;

/** Limits of one API key across every application it uses. */
export const API_KEY_RATE_LIMIT_FIELDS = { rateLimits: rules.optional() };

export const RateLimitingSettingsSchema = z.strictObject({
  /**
   * When Redis cannot be reached: `failOpen` keeps serving with a limiter local to each router process
   * (logged and counted), `failClosed` answers 503.
   */
  redisDown: z.enum(['failOpen', 'failClosed']).default('failOpen'),
  /** Completion tokens reserved for a request that sends no `max_tokens`, until its real usage is known. */
  defaultCompletionTokens: z.number().int().min(0).default(256),
});
export type RateLimitingSettings = z.infer<typeof RateLimitingSettingsSchema>;

export interface ResolvedRateLimiting extends RateLimitingSettings {
  /** Each API key's own limits, by key id (keys without any are absent). */
  readonly keyLimits: ReadonlyMap<string, readonly RateLimitRule[]>;
}

export function windowMs(rule: Pick<RateLimitRule, 'window'>): number {
  return typeof rule.window === 'number' ? rule.window * 1000 : WINDOW_UNITS[rule.window];
}

/** The endpoint's rules, `rpm` and `tpm` included. */
export function endpointRules(endpoint: {
  readonly rpm?: number;
  readonly tpm?: number;
  readonly rateLimits?: readonly RateLimitRule[];
}): readonly RateLimitRule[] {
  const shorthand: RateLimitRule[] = [];
  if (endpoint.rpm !== undefined)
    shorthand.push({ requests: endpoint.rpm, tokenKind: 'total', window: 'minute' });
  if (endpoint.tpm !== undefined)
    shorthand.push({ tokens: endpoint.tpm, tokenKind: 'total', window: 'minute' });
  return [...shorthand, ...(endpoint.rateLimits ?? [])];
}

export function resolveRateLimiting(file: {
  readonly rateLimiting?: RateLimitingSettings;
  readonly auth: { readonly keys: readonly { readonly id: string; readonly rateLimits?: RateLimitRule[] }[] };
}): ResolvedRateLimiting {
  const keyLimits = new Map<string, readonly RateLimitRule[]>();
  for (const key of file.auth.keys)
    if (key.rateLimits !== undefined && key.rateLimits.length > 0) keyLimits.set(key.id, key.rateLimits);
  return { ...(file.rateLimiting ?? RateLimitingSettingsSchema.parse({})), keyLimits };
}
