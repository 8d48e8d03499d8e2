import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { ConfigError, formatPath, zodProblems } from './config-error';
import type { Env } from './env';
import type {
  ApplicationConfig,
  EndpointConfig,
  FailedAuthSettings,
  GatewayConfigFile,
  MetricsSettings,
} from './gateway-config.schema';
import { DEFAULT_METRICS_SETTINGS, GatewayConfigSchema } from './gateway-config.schema';
import type { GlobalMemorySettings } from './memory-settings.schema';
import { DEFAULT_GLOBAL_MEMORY_SETTINGS } from './memory-settings.schema';
import type { ResolvedRateLimiting } from './rate-limit.schema';
import { resolveRateLimiting } from './rate-limit.schema';
import type { ApiKeyEnvironment } from './routing-policy.schema';
import type { LoggingSettings } from './logging.schema';
import { DEFAULT_LOGGING_SETTINGS } from './logging.schema';
import { Secret } from './secret';
import type { GlobalCacheSettings } from './cache-settings.schema';
import { cacheSettingsProblems, DEFAULT_GLOBAL_CACHE_SETTINGS } from './cache-settings.schema';

export interface ResolvedEndpoint extends EndpointConfig {
  readonly priority: number;
  /** The provider key read from `apiKeyEnv`; redacted whenever printed. */
  readonly apiKey: Secret | null;
}

export interface ResolvedApplication extends Omit<ApplicationConfig, 'endpoints'> {
  /** Sorted by priority, then by position in the file. */
  readonly endpoints: readonly ResolvedEndpoint[];
}

export interface ResolvedApiKey {
  readonly id: string;
  readonly sha256: string;
  /** `null` means every application. */
  readonly applications: ReadonlySet<string> | null;
  readonly environment: ApiKeyEnvironment;
}

export interface GatewayConfig {
  /** Short content hash of the file: every response and trace can name the config that served it. */
  readonly version: string;
  readonly server: GatewayConfigFile['server'];
  readonly auth: {
    readonly required: boolean;
    readonly keys: readonly ResolvedApiKey[];
    readonly failedAttempts: FailedAuthSettings;
  };
  readonly applications: readonly ResolvedApplication[];
  /** Interval history of the metrics service (defaults when the file has no `metrics` block). */
  readonly metrics: MetricsSettings;
  /** Conversational memory's global settings (defaults when the file has no `memorySettings` block). */
  readonly memorySettings: GlobalMemorySettings;
  /** The global prompt persistence switch (an application's `persistPrompts` wins). */
  readonly persistPrompts: boolean;
  readonly rateLimiting: ResolvedRateLimiting;
  /** The gateway's request logging (defaults when the file has no `logging` block). */
  readonly logging: LoggingSettings;
  /** The semantic cache's global settings (defaults, cache off, when the file has none). */
  readonly cacheSettings: GlobalCacheSettings;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export interface LoadOptions {
  /**
   * Resolve the API keys (their env variables must be set). Only the gateway authenticates; the other
   * services skip this, so they never need the keys in their environment.
   */
  readonly keys?: boolean;
}

/** Reads and validates a YAML config file. Throws ConfigError listing every problem. */
export function loadConfigFile(path: string, env: Env, options: LoadOptions = {}): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [`cannot read the file: ${(error as Error).message}`]);
  }
  return parseConfigText(text, env, path, options);
}

export function parseConfigText(
  text: string,
  env: Env,
  source = 'config',
  options: LoadOptions = {},
): GatewayConfig {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => `YAML syntax: ${e.message.split('\n')[0]}`),
    );
  }
  return resolveConfig(doc.toJS() as unknown, env, source, options);
}

export function resolveConfig(
  raw: unknown,
  env: Env,
  source = 'config',
  options: LoadOptions = {},
): GatewayConfig {
  const withKeys = options.keys ?? true;
  const parsed = GatewayConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(source, zodProblems(parsed.error));
  const file = parsed.data;
  const problems: string[] = [];
  const at = (...path: PropertyKey[]) => formatPath(path);

  const appIds = new Set<string>();
  const modelOwner = new Map<string, string>();
  file.applications.forEach((app, i) => {
    if (appIds.has(app.id))
      problems.push(`${at('applications', i, 'id')}: duplicate application id "${app.id}"`);
    appIds.add(app.id);
    for (const name of [app.id, ...app.models]) {
      const owner = modelOwner.get(name);
      if (owner !== undefined && owner !== app.id)
        problems.push(
          `${at('applications', i, 'models')}: "${name}" is already served by application "${owner}"`,
        );
      modelOwner.set(name, app.id);
    }
    const endpointIds = new Set<string>();
    app.endpoints.forEach((e, j) => {
      if (endpointIds.has(e.id))
        problems.push(`${at('applications', i, 'endpoints', j, 'id')}: duplicate endpoint id "${e.id}"`);
      endpointIds.add(e.id);
      if (e.apiKeyEnv !== undefined && !env[e.apiKeyEnv])
        problems.push(
          `${at('applications', i, 'endpoints', j, 'apiKeyEnv')}: environment variable ${e.apiKeyEnv} is not set`,
        );
    });
  });

  const keyIds = new Set<string>();
  const keys: ResolvedApiKey[] = [];
  file.auth.keys.forEach((k, i) => {
    if (keyIds.has(k.id)) problems.push(`${at('auth', 'keys', i, 'id')}: duplicate key id "${k.id}"`);
    keyIds.add(k.id);
    k.applications.forEach((a, j) => {
      if (a !== '*' && !appIds.has(a))
        problems.push(`${at('auth', 'keys', i, 'applications', j)}: unknown application "${a}"`);
    });
    let hash = k.sha256;
    if (k.env !== undefined && withKeys) {
      const value = env[k.env];
      if (!value) problems.push(`${at('auth', 'keys', i, 'env')}: environment variable ${k.env} is not set`);
      else hash = sha256Hex(value);
    }
    if (hash !== undefined)
      keys.push({
        id: k.id,
        sha256: hash,
        applications: k.applications.includes('*') ? null : new Set(k.applications),
        environment: k.environment ?? 'production',
      });
  });
  if (file.auth.required && file.auth.keys.length === 0)
    problems.push(
      'auth.keys: authentication is required but no key is configured (or set auth.required: false)',
    );

  problems.push(...cacheSettingsProblems(file.cacheSettings, file.applications, at));
  if (problems.length > 0) throw new ConfigError(source, problems);

  const applications: ResolvedApplication[] = file.applications.map((app) => ({
    ...app,
    endpoints: app.endpoints
      .map((e, index) => ({
        ...e,
        // Only the priority strategy orders by list position; the others balance one tier by default.
        priority: e.priority ?? ((app.routing?.strategy ?? 'priority') === 'priority' ? index : 0),
        apiKey: e.apiKeyEnv === undefined ? null : new Secret(env[e.apiKeyEnv] ?? ''),
      }))
      .sort((a, b) => a.priority - b.priority),
  }));
  const version = sha256Hex(JSON.stringify(file)).slice(0, 12);
  return {
    version,
    server: file.server,
    auth: { required: file.auth.required, keys, failedAttempts: file.auth.failedAttempts },
    applications,
    metrics: file.metrics ?? DEFAULT_METRICS_SETTINGS,
    memorySettings: file.memorySettings ?? DEFAULT_GLOBAL_MEMORY_SETTINGS,
    persistPrompts: file.persistPrompts ?? false,
    rateLimiting: resolveRateLimiting(file),
    logging: file.logging ?? DEFAULT_LOGGING_SETTINGS,
    cacheSettings: file.cacheSettings ?? DEFAULT_GLOBAL_CACHE_SETTINGS,
  };
}
