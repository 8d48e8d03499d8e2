import { z } from 'zod';

/**
 * The declarative configuration file (YAML). Applications are the unit of configuration, as in the
 * ganrad openai-api-router: an id, a type and an ordered list of backend endpoints.
 * Provider secrets are referenced by env-variable name (`apiKeyEnv`), never written inline.
 */
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'letters, digits and . _ : - only');

export const PROVIDERS = ['openai', 'azure-openai', 'openai-compatible', 'mock'] as const;
export type ProviderKind = (typeof PROVIDERS)[number];

export const EndpointSchema = z
  .strictObject({
    id,
    provider: z.enum(PROVIDERS),
    /** Base URL: `https://api.openai.com/v1`, an OpenAI-compatible `/v1` base, or the Azure resource URL. */
    url: z.url({ protocol: /^https?$/ }).optional(),
    /** Model name sent upstream (replaces the client's `model`). */
    model: z.string().min(1).optional(),
    /** Azure OpenAI: deployment name and api-version. */
    deployment: z.string().min(1).optional(),
    apiVersion: z.string().min(1).optional(),
    /** Name of the env variable holding the provider API key. */
    apiKeyEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name')
      .optional(),
    /** Lower is tried first; defaults to the endpoint's position in the list. */
    priority: z.number().int().min(0).optional(),
    timeoutMs: z.number().int().positive().max(3_600_000).default(120_000),
  })
  .superRefine((e, ctx) => {
    if (e.provider !== 'mock' && !e.url)
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'required for this provider' });
    if (e.provider === 'azure-openai' && !e.deployment)
      ctx.addIssue({ code: 'custom', path: ['deployment'], message: 'required for azure-openai' });
  });
export type EndpointConfig = z.infer<typeof EndpointSchema>;

export const APPLICATION_TYPES = ['chat', 'completions', 'embeddings'] as const;
export type ApplicationType = (typeof APPLICATION_TYPES)[number];

export const ApplicationSchema = z.strictObject({
  id,
  type: z.enum(APPLICATION_TYPES),
  description: z.string().optional(),
  /** Model names the application answers to in the `model` field, besides its id. */
  models: z.array(z.string().min(1)).default([]),
  endpoints: z.array(EndpointSchema).min(1, 'an application needs at least one endpoint'),
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
  })
  .refine((k) => (k.sha256 === undefined) !== (k.env === undefined), {
    message: 'give exactly one of sha256 or env',
  });
export type ApiKeyConfig = z.infer<typeof ApiKeySchema>;

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
    })
    .default({
      host: '127.0.0.1',
      port: 8080,
      bodyLimitBytes: 4 * 1024 * 1024,
      requestTimeoutMs: 300_000,
      streamIdleTimeoutMs: 120_000,
    }),
  auth: z
    .strictObject({
      required: z.boolean().default(true),
      keys: z.array(ApiKeySchema).default([]),
    })
    .default({ required: true, keys: [] }),
  applications: z.array(ApplicationSchema).min(1, 'configure at least one application'),
});
export type GatewayConfigFile = z.infer<typeof GatewayConfigSchema>;
