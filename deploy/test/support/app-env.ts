import { BUS_SERVICES } from '@aigw/contracts';
import { StandaloneEnvSchema } from '@aigw/messaging';
import { TracingEnvSchema } from '@aigw/observability';
import { readdirSync } from 'node:fs';
import { z } from 'zod';
import { readRepoFile, repoFileExists, repoPath } from './repo-files';

/** Every app the image runs, by the name its entry point (deploy/docker/aigw.sh) takes. */
export const APPS = ['gateway', ...BUS_SERVICES, 'mock-llm'] as const;
export type AppName = (typeof APPS)[number];

/** The image's one-shot commands beside the apps. */
export const ONE_SHOTS = ['migrate'] as const;
export type ImageCommand = AppName | (typeof ONE_SHOTS)[number];

export function isBusService(command: string): command is (typeof BUS_SERVICES)[number] {
  return (BUS_SERVICES as readonly string[]).includes(command);
}

export function isImageCommand(command: unknown): command is ImageCommand {
  return typeof command === 'string' && [...APPS, ...ONE_SHOTS].includes(command as ImageCommand);
}

/** Where each command's env schema is, beside the bus services' shared StandaloneEnvSchema. */
const SCHEMA_FILES: Record<Exclude<ImageCommand, (typeof BUS_SERVICES)[number]>, string> = {
  gateway: 'apps/gateway/src/env.schema',
  'mock-llm': 'apps/mock-llm/src/env.schema',
  migrate: 'apps/admin/src/migrate',
};

/** The file each command runs (deploy/docker/aigw.sh), whose start decides which schemas it parses. */
export function entryFileOf(command: ImageCommand): string {
  return command === 'migrate' ? 'apps/admin/src/migrate.ts' : `apps/${command}/src/main.ts`;
}

async function schemaIn(file: string): Promise<z.ZodObject> {
  const module = (await import(repoPath(file))) as Record<string, unknown>;
  const schemas = Object.values(module).filter((value): value is z.ZodObject => value instanceof z.ZodObject);
  if (schemas.length !== 1) throw new Error(`${file} exports ${schemas.length} env schemas`);
  return schemas[0];
}

/**
 * Every variable a command's process parses at start, as one schema: its app's env schema (a bus
 * service: StandaloneEnvSchema, plus the `env.schema.ts` its definition parses, e.g. the admin's
 * ADMIN_*), and OpenTelemetry's variables when its entry starts telemetry. Apps are loaded by path, as
 * data: these tests check the deployment files against the apps, and no code depends on them (so no
 * import edge in the Nx graph).
 */
export async function envSchemaOf(command: ImageCommand): Promise<z.ZodObject> {
  const parts: z.ZodObject[] = [];
  if (isBusService(command)) {
    // Each bus service's main.ts hands its definition to runStandalone, which parses StandaloneEnvSchema.
    if (!readRepoFile('apps', command, 'src', 'main.ts').includes('runStandalone('))
      throw new Error(`apps/${command}/src/main.ts no longer starts through runStandalone`);
    parts.push(StandaloneEnvSchema);
    if (repoFileExists('apps', command, 'src', 'env.schema.ts')) {
      const definition = readRepoFile('apps', command, 'src', `${command}.definition.ts`);
      if (!definition.includes("from './env.schema'"))
        throw new Error(`apps/${command}/src/env.schema.ts is not parsed by its definition`);
      parts.push(await schemaIn(`apps/${command}/src/env.schema`));
    }
  } else parts.push(await schemaIn(SCHEMA_FILES[command]));
  if (readRepoFile(entryFileOf(command)).includes('startTelemetry(')) parts.push(TracingEnvSchema);
  return z.object(Object.assign({}, ...parts.map((part) => part.shape)) as z.ZodRawShape);
}

/**
 * Optional variables a container may leave unset, and why: unset is a choice with a meaning, not a
 * default that breaks in a container. Every other variable without a default must be set.
 */
export const MAY_LEAVE_UNSET: Readonly<Record<string, string>> = {
  OTEL_SDK_DISABLED: 'tracing is on exactly when an exporter is named',
  OTEL_TRACES_EXPORTER: 'tracing is on exactly when an exporter is named',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'no collector: no spans recorded, trace context still flows',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'OTEL_EXPORTER_OTLP_ENDPOINT covers traces',
  OTEL_SERVICE_NAME: 'aigw-<service>',
  OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'no prompt text on spans',
  ADMIN_JWT_SECRET: 'admin JWTs are optional beside the admin key',
  CACHE_DATABASE_URL: "the cache's pgvector tables live in DATABASE_URL's Postgres",
};

/** The env variable names the files of config/ refer to (`apiKeyEnv`, `auth.keys[].env`), comments included. */
export function configFolderEnvNames(): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(repoPath('config')).filter((f) => /\.ya?ml$/.test(f)))
    for (const match of readRepoFile('config', file).matchAll(/\b(?:apiKeyEnv|env):\s*([A-Z][A-Z0-9_]*)/g))
      names.add(match[1]);
  return [...names].sort();
}

/** The variables that name a port the process listens on. */
export const LISTEN_PORTS = ['GATEWAY_PORT', 'METRICS_PORT', 'HEALTH_PORT', 'ADMIN_PORT', 'MOCK_LLM_PORT'];

export interface EnvVar {
  readonly name: string;
  /** Why a container must set it, or null when the schema's default suits a container. */
  readonly mustSet: 'required' | 'no default' | 'loopback default' | null;
}

const LOOPBACK = /\b(127\.0\.0\.1|localhost|::1)\b/;

/** The variables of an env schema; a loopback default is wrong in a container, whose peers are elsewhere. */
export function envVarsOf(schema: z.ZodObject): EnvVar[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const parsed = (field as z.ZodType).safeParse(undefined);
    const mustSet = !parsed.success
      ? 'required'
      : parsed.data === undefined
        ? 'no default'
        : typeof parsed.data === 'string' && LOOPBACK.test(parsed.data)
          ? 'loopback default'
          : null;
    return { name, mustSet };
  });
}
