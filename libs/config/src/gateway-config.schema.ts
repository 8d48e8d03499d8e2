import { z } from 'zod';
import { ApplicationMemorySettingsSchema, GlobalMemorySettingsSchema } from './memory-settings.schema';
import {
  API_KEY_RATE_LIMIT_FIELDS,
  ApplicationRateLimitsSchema,
  ENDPOINT_RATE_LIMIT_FIELDS,
  RateLimitingSettingsSchema,
} from './rate-limit.schema';
import {
  ApiKeyEnvironmentSchema,
  ENDPOINT_ROUTING_FIELDS,
  RoutingPolicySchema,
  checkRoutingPolicy,
} from './routing-policy.schema';
import { ApplicationLoggingSchema, LoggingSettingsSchema } from './logging.schema';
import { CacheSettingsSchema, GlobalCacheSettingsSchema } from './cache-settings.schema';

/**
 * The declarative configuration file (YAML). Applications are the unit of configuration, as in the
 * ganrad openai-api-router: an id, a type and an ordered list of backend endpoints.
 * Provider secrets are referenced by env-variable name (`apiKeyEnv`), never written inline.
 */
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'letters, digits and . _ : - only');

export const PROVIDERS = [
  'openai',
  'azure-openai',
  'openai-compatible',
  'mock',
  'anthropic',
  'gemini',
  'deepseek',
  'mistral',
  'openrouter',
  'vllm',
  'ollama',
] as const;
export type ProviderKind = (typeof PROVIDERS)[number];

export const APPLICATION_TYPES = ['chat', 'completions', 'embeddings'] as const;
export type ApplicationType = (typeof APPLICATION_TYPES)[number];

/** Providers with no default base URL: their endpoints must give `url`. */
export const URL_REQUIRED_PROVIDERS: readonly ProviderKind[] = ['azure-openai', 'openai-compatible', 'vllm'];

/** The application types each provider serves; the rest are rejected at load. */
export const PROVIDER_OPERATIONS: Readonly<Partial<Record<ProviderKind, readonly ApplicationType[]>>> = {
  anthropic: ['chat'],
  gemini: ['chat', 'embeddings'],
};

export function providerServes(provider: ProviderKind, type: ApplicationType): boolean {
  return (PROVIDER_OPERATIONS[provider] ?? APPLICATION_TYPES).includes(type);
}

/** An HTTP field name (RFC 9110 §5.6.2 token). */
const HTTP_TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
/** Headers the gateway sets itself, or that must never carry a key. */
const RESERVED_HEADERS = new Set([
  'accept',
  'connection',
  'content-length',
  'content-type',
  'host',
  'keep-alive',
  'te',
  'traceparent',
  'tracestate',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
/** Request fields the gateway sets itself: `options` may not override them. */
const RESERVED_OPTIONS = ['model', 'stream', 'stream_options'];

export const EndpointSchema = z
  .strictObject({
    id,
    provider: z.enum(PROVIDERS),
    /**
     * Base URL: an OpenAI-compatible `/v1` base, the Azure resource URL, or the Anthropic / Gemini API
     * root. Presets and vendors with a public API default it.
     */
    url: z.url({ protocol: /^https?$/ }).optional(),
    /** Model name sent upstream (replaces the client's `model`). */
    model: z.string().min(1).optional(),
    /** Azure OpenAI: deployment name. */
    deployment: z.string().min(1).optional(),
    /** Azure `api-version`, Anthropic `anthropic-version`, or the Gemini API version in the path. */
    apiVersion: z.string().min(1).optional(),
    /** Name of the env variable holding the provider API key. */
    apiKeyEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name')
      .optional(),
    /** Header that carries the key, instead of the provider's (`authorization`, `x-api-key`…). */
    authHeader: z
      .string()
      .regex(HTTP_TOKEN, 'an HTTP header name')
      .refine((h) => !RESERVED_HEADERS.has(h.toLowerCase()), 'a header the gateway sets itself')
      .optional(),
    /** Scheme before the key (`Bearer`), or empty for the raw key. */
    authScheme: z
      .string()
      .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]*$/, 'one word such as Bearer, or empty for the raw key')
      .optional(),
    /** Merged into every request body sent upstream, in the provider's own format (overrides the client). */
    options: z.record(z.string(), z.json()).optional(),
    /** Caps `max_tokens` / `max_completion_tokens` (and sets it when the client sends neither). */
    maxTokensCap: z.number().int().positive().optional(),
    /** Lower is tried first; defaults to the endpoint's position in the list. */
    priority: z.number().int().min(0).optional(),
    timeoutMs: z.number().int().positive().max(3_600_000).default(120_000),
    /**
     * Let the endpoint be on a loopback, private or link-local address (a self-hosted model server).
     * Off, such addresses are refused after DNS resolution (server-side request forgery). `mock` always may.
     */
    allowPrivateNetwork: z.boolean().default(false),
    ...ENDPOINT_RATE_LIMIT_FIELDS,
    ...ENDPOINT_ROUTING_FIELDS,
  })
  .superRefine((e, ctx) => {
    if (URL_REQUIRED_PROVIDERS.includes(e.provider) && !e.url)
      ctx.addIssue({ code: 'custom', path: ['url'], message: `required for provider ${e.provider}` });
    if (e.provider === 'azure-openai' && !e.deployment)
      ctx.addIssue({ code: 'custom', path: ['deployment'], message: 'required for azure-openai' });
    for (const field of ['authHeader', 'authScheme'] as const)
      if (e[field] !== undefined && e.apiKeyEnv === undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: 'has no effect without apiKeyEnv' });
    for (const key of RESERVED_OPTIONS)
      if (e.options !== undefined && key in e.options)
        ctx.addIssue({
          code: 'custom',
          path: ['options', key],
          message: key === 'model' ? 'set the endpoint model instead' : 'set by the gateway',
        });
  });
export type EndpointConfig = z.infer<typeof EndpointSchema>;

export const ApplicationSchema = z
  .strictObject({
    id,
    type: z.enum(APPLICATION_TYPES),
    description: z.string().optional(),
    /** Model names the application answers to in the `model` field, besides its id. */
    models: z.array(z.string().min(1)).default([]),
    endpoints: z.array(EndpointSchema).min(1, 'an application needs at least one endpoint'),
    /** Conversational memory (`x-thread-id`), see memory-settings.schema.ts. */
    memorySettings: ApplicationMemorySettingsSchema.optional(),
    /** Persist this application's prompts and completions; absent: the global `persistPrompts`. */
    persistPrompts: z.boolean().optional(),
    rateLimits: ApplicationRateLimitsSchema.optional(),
    routing: RoutingPolicySchema.optional(),
    logging: ApplicationLoggingSchema.optional(),
    cacheSettings: CacheSettingsSchema.optional(),
  })
  .superRefine((app, ctx) => {
    checkRoutingPolicy(app, ctx);
    if (app.memorySettings?.useMemory === true && app.type !== 'chat')
      ctx.addIssue({
        code: 'custom',
        path: ['memorySettings', 'useMemory'],
        message: 'conversational memory is for chat applications only',
      });
    app.endpoints.forEach((e, j) => {
      if (!providerServes(e.provider, app.type))
        ctx.addIssue({
          code: 'custom',
          path: ['endpoints', j, 'provider'],
          message: `${e.provider} does not serve ${app.type} (only ${(PROVIDER_OPERATIONS[e.provider] ?? []).join(', ')})`,
        });
    });
  });
export type ApplicationConfig = z.infer<typeof ApplicationSchema>;

export const ApiKeySchema = z
  .strictObject({
    id,
    /** Hex SHA-256 of the key (what `npm run keygen` prints), or... */
    sha256: z
      .string()
      .regex(/^[a-f0-9]{64}$/, '64 lowercase hex digits')
      .optional(),
    /** ...the name of an env variable holding the key, hashed at load. */
    env: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name')
      .optional(),
    /** Application ids this key may use; `*` for all. */
    applications: z.array(z.string().min(1)).min(1).default(['*']),
    ...API_KEY_RATE_LIMIT_FIELDS,
    /** Which model list of a `model-based` application serves this key (APK); default production. */
    environment: ApiKeyEnvironmentSchema.optional(),
  })
  .refine((k) => (k.sha256 === undefined) !== (k.env === undefined), {
    message: 'give exactly one of sha256 or env',
  });
export type ApiKeyConfig = z.infer<typeof ApiKeySchema>;

/**
 * The metrics service's interval history, as the seed gateway's `API_GATEWAY_METRICS_CINTERVAL` and
 * `API_GATEWAY_METRICS_CHISTORY`: the length of one collection interval and how many finished
 * intervals are kept per endpoint.
 */
export const MetricsSettingsSchema = z.strictObject({
  collectionIntervalMinutes: z.number().int().min(1).default(1),
  historyCount: z.number().int().min(1).max(600).default(10),
});
export type MetricsSettings = z.infer<typeof MetricsSettingsSchema>;
export const DEFAULT_METRICS_SETTINGS: MetricsSettings = MetricsSettingsSchema.parse({});

/** Wrong keys one client address may present per window before its attempts get 429. */
export const FailedAuthSchema = z.strictObject({
  limit: z.number().int().min(1).default(10),
  windowSeconds: z.number().int().min(1).max(86_400).default(60),
});
export type FailedAuthSettings = z.infer<typeof FailedAuthSchema>;

export const GatewayConfigSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8080),
      /** Largest accepted request body; larger ones get 413 before they are read. */
      bodyLimitBytes: z
        .number()
        .int()
        .positive()
        .default(4 * 1024 * 1024),
      /** Bound on one bus request (gateway → router) for non-streaming calls. */
      requestTimeoutMs: z.number().int().positive().default(300_000),
      /** Bound on the wait for the first message of a stream, and between two messages. */
      streamIdleTimeoutMs: z.number().int().positive().default(120_000),
      /**
       * Behind a load balancer: trust `x-forwarded-for` from these proxy addresses or CIDRs (or `true`
       * for any), so per-client limits see the client's address rather than the proxy's.
       */
      trustProxy: z.union([z.boolean(), z.array(z.string().min(1)).min(1)]).default(false),
      /** Slow clients: bound on receiving the request headers, and the whole request (headers and body). */
      headersTimeoutMs: z.number().int().min(100).max(600_000).default(15_000),
      requestReceiveTimeoutMs: z.number().int().min(100).max(3_600_000).default(30_000),
    })
    .refine((s) => s.headersTimeoutMs <= s.requestReceiveTimeoutMs, {
      path: ['headersTimeoutMs'],
      message: 'must not exceed requestReceiveTimeoutMs',
    })
    .default({
      host: '127.0.0.1',
      port: 8080,
      bodyLimitBytes: 4 * 1024 * 1024,
      requestTimeoutMs: 300_000,
      streamIdleTimeoutMs: 120_000,
      trustProxy: false,
      headersTimeoutMs: 15_000,
      requestReceiveTimeoutMs: 30_000,
    }),
  auth: z
    .strictObject({
      required: z.boolean().default(true),
      keys: z.array(ApiKeySchema).default([]),
      failedAttempts: FailedAuthSchema.default({ limit: 10, windowSeconds: 60 }),
    })
    .default({ required: true, keys: [], failedAttempts: { limit: 10, windowSeconds: 60 } }),
  applications: z.array(ApplicationSchema).min(1, 'configure at least one application'),
  /** Optional: absent, the defaults apply (and the config version is what it was without it). */
  metrics: MetricsSettingsSchema.optional(),
  /** Optional: conversational memory's global switch, sweep schedule and load timeout. */
  memorySettings: GlobalMemorySettingsSchema.optional(),
  /** Optional: persist every application's prompts (an application's `persistPrompts` wins). */
  persistPrompts: z.boolean().optional(),
  rateLimiting: RateLimitingSettingsSchema.optional(),
  logging: LoggingSettingsSchema.optional(),
  /** The semantic cache's global switch and shared settings (see cache-settings.schema.ts). */
  cacheSettings: GlobalCacheSettingsSchema.optional(),
});
export type GatewayConfigFile = z.infer<typeof GatewayConfigSchema>;
