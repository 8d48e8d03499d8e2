import type { Env, GatewayConfig, GatewayConfigFile } from '@aigw/config';
import { ConfigError, GatewayConfigSchema, formatPath, parseConfigYaml, resolveConfig } from '@aigw/config';
import { GatewayError } from '@aigw/contracts';
import type { z } from 'zod';
import type { JsonObject } from './config-revision';
import { isJsonObject } from './config-revision';

/** One problem of an invalid document or request body, with the path of the bad field. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/**
 * 400 listing every problem at once. The OpenAI error envelope carries the first path as `param`;
 * `problems` (an extension of the envelope) lists them all.
 */
export class ConfigValidationError extends GatewayError {
  constructor(
    readonly problems: readonly Problem[],
    what = 'configuration',
  ) {
    super(
      'invalid_request',
      `Invalid ${what}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      { param: problems[0]?.path ?? null },
    );
  }
}

/** A document that passed the shared loader: the stored form, what services resolve, and its parse. */
export interface ValidDocument {
  readonly document: JsonObject;
  readonly config: GatewayConfig;
  /** The schema's output (defaults applied): what diffs compare. */
  readonly normalized: GatewayConfigFile;
}

/**
 * Validates a whole document with `libs/config` (the schema and the loader's cross-checks), in the
 * admin's environment: `apiKeyEnv` variables must be set, as they must be for every service loading
 * the file; the values of `auth.keys[].env` are not needed (only the gateway reads keys).
 */
export function validateDocument(document: unknown, env: Env): ValidDocument {
  if (!isJsonObject(document))
    throw new ConfigValidationError([{ path: '(root)', message: 'the configuration must be a mapping' }]);
  let config: GatewayConfig;
  try {
    config = resolveConfig(document, env, 'document', { keys: false });
  } catch (error: unknown) {
    if (error instanceof ConfigError) throw new ConfigValidationError(error.problems.map(toProblem));
    throw error;
  }
  return { document, config, normalized: GatewayConfigSchema.parse(document) };
}

/** The raw document of a YAML (or JSON) text; syntax errors are a 400 listing each. */
export function parseDocumentText(text: string, source = 'document'): unknown {
  try {
    return parseConfigYaml(text, source);
  } catch (error: unknown) {
    if (error instanceof ConfigError) throw new ConfigValidationError(error.problems.map(toProblem));
    throw error;
  }
}

/** A request body checked against one entry's schema: problems name paths within the body. */
export function validateEntry(schema: z.ZodType, body: unknown, what: string): JsonObject {
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new ConfigValidationError(
      parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
      what,
    );
  if (!isJsonObject(body))
    throw new ConfigValidationError([{ path: '(root)', message: 'expected an object' }], what);
  return body;
}

/** `ConfigError` problems read `path: message`. */
function toProblem(line: string): Problem {
  const at = line.indexOf(': ');
  return at < 0
    ? { path: '(root)', message: line }
    : { path: line.slice(0, at), message: line.slice(at + 2) };
}
