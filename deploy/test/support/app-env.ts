import { BUS_SERVICES } from '@aigw/contracts';
import { StandaloneEnvSchema } from '@aigw/messaging';
import { z } from 'zod';
import { readRepoFile, repoPath } from './repo-files';

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

/**
 * The env schema a command parses at start. Apps are loaded by path, as data: these tests check the
 * deployment files against the apps, and no code depends on them (so no import edge in the Nx graph).
 */
export async function envSchemaOf(command: ImageCommand): Promise<z.ZodObject> {
  if (isBusService(command)) {
    // Each bus service's main.ts hands its definition to runStandalone, which parses StandaloneEnvSchema.
    if (!readRepoFile('apps', command, 'src', 'main.ts').includes('runStandalone('))
      throw new Error(`apps/${command}/src/main.ts no longer starts through runStandalone`);
    return StandaloneEnvSchema;
  }
  const module = (await import(repoPath(SCHEMA_FILES[command]))) as Record<string, unknown>;
  const schemas = Object.values(module).filter((value): value is z.ZodObject => value instanceof z.ZodObject);
  if (schemas.length !== 1) throw new Error(`${SCHEMA_FILES[command]} exports ${schemas.length} env schemas`);
  return schemas[0];
}

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
