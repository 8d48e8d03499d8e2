import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readRepoYaml } from './repo-files';

export interface ComposeHealthcheck {
  readonly test: string[] | string;
}

export interface ComposeBuild {
  readonly context?: string;
  readonly dockerfile?: string;
  readonly target?: string;
}

export interface ComposeService {
  readonly image?: string;
  readonly build?: ComposeBuild | string;
  readonly command?: string[] | string;
  readonly environment?: Record<string, string | number | boolean | null>;
  readonly healthcheck?: ComposeHealthcheck;
  readonly depends_on?: Record<string, { condition: string }> | string[];
  readonly ports?: Array<string | { published?: string | number; target?: number; host_ip?: string }>;
  readonly volumes?: Array<string | { type?: string; source?: string; target?: string }>;
  readonly restart?: string;
  readonly read_only?: boolean;
  readonly cap_drop?: string[];
  readonly security_opt?: string[];
  readonly tmpfs?: string[] | string;
}

export interface ComposeFile {
  readonly name?: string;
  readonly services: Record<string, ComposeService>;
  readonly volumes?: Record<string, unknown>;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** The variables docker-compose.yml needs set, with sample values for the tests. */
export const SAMPLE_ENV: Env = {
  GATEWAY_API_KEY: 'sample-gateway-key',
  ADMIN_API_KEY: 'sample-admin-key-0123456789',
  POSTGRES_PASSWORD: 'sample-postgres-password',
  GRAFANA_ADMIN_PASSWORD: 'sample-grafana-password',
};

const VARIABLE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * Compose's interpolation (https://docs.docker.com/reference/compose-file/interpolation/):
 * `${VAR}`, `${VAR:-default}` / `${VAR-default}`, `${VAR:?error}` / `${VAR?error}`, `$$` for `$`.
 */
export function interpolate(text: string, env: Env): string {
  return text.replace(
    VARIABLE,
    (match, braced?: string, operator?: string, argument?: string, bare?: string) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare)!;
      const value = env[name];
      const unset = operator?.startsWith(':') ? !value : value === undefined;
      if (operator?.endsWith('-')) return unset ? (argument ?? '') : value!;
      if (operator?.endsWith('?')) {
        if (unset) throw new Error(`required variable ${name} is missing a value: ${argument ?? ''}`);
        return value!;
      }
      return value ?? '';
    },
  );
}

/** The names of the variables a text requires with `${VAR:?…}` / `${VAR?…}`. */
export function requiredVariables(text: string): string[] {
  return [...text.matchAll(VARIABLE)].filter((m) => m[2]?.endsWith('?')).map((m) => m[1]);
}

function interpolateTree(node: unknown, env: Env): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((item) => interpolateTree(item, env));
  if (node !== null && typeof node === 'object')
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateTree(v, env)]));
  return node;
}

/** docker-compose.yml as Compose sees it: merge keys resolved, then every value interpolated. */
export function loadCompose(env: Env = SAMPLE_ENV): ComposeFile {
  return interpolateTree(readRepoYaml('docker-compose.yml'), env) as ComposeFile;
}

/** docker-compose.yml with merge keys resolved and nothing interpolated. */
export function loadRawCompose(): ComposeFile {
  return readRepoYaml('docker-compose.yml') as ComposeFile;
}

/**
 * The Compose specification's JSON schema (compose-spec/compose-spec, schema/compose-spec.json), as the
 * dclint package ships and updates it. Its `$schema` names draft-07 by a URL Ajv does not know; Ajv's
 * default dialect is draft-07.
 */
export function composeSpecValidator(): (document: unknown) => string[] {
  const file = join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
  const { $schema: _dialect, ...schema } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  return (document) =>
    validate(document)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

export function environmentOf(service: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]),
  );
}

export function commandOf(service: ComposeService): string[] {
  const command = service.command ?? [];
  return typeof command === 'string' ? command.split(/\s+/) : command;
}

export function dependenciesOf(service: ComposeService): Record<string, string> {
  const dependsOn = service.depends_on ?? {};
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(dependsOn).map(([name, d]) => [name, d.condition]));
}

export function healthcheckCommand(service: ComposeService): string[] {
  const test = service.healthcheck?.test ?? [];
  return typeof test === 'string' ? ['CMD-SHELL', test] : test;
}
