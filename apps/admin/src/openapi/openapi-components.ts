import { ApiKeySchema, ApplicationSchema, EndpointSchema, GatewayConfigSchema } from '@aigw/config';
import { RouterStateSchema } from '@aigw/contracts';
import { z } from 'zod';
import { MetricsSeriesSchema } from '../console/metrics-series.schema';

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json): Json => ({ 'application/json': { schema } });
/**
 * Component schemas generated from the shared zod schemas (input side: fields with defaults are
 * optional). Each generated schema's own `$defs` (recursive JSON values) become components too, its
 * `#/$defs/…` references rewritten to them, so every reference resolves within the document.
 */
function generated(entries: Record<string, z.ZodType>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [name, zodSchema] of Object.entries(entries)) {
    const {
      $defs,
      $schema: _dialect,
      ...root
    } = z.toJSONSchema(zodSchema, { io: 'input', unrepresentable: 'any' });
    const rewrite = (value: unknown): Json =>
      JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', `"#/components/schemas/${name}_`)) as Json;
    out[name] = rewrite(root);
    for (const [id, definition] of Object.entries($defs ?? {})) out[`${name}_${id}`] = rewrite(definition);
  }
  return out;
}

/** The admin OpenAPI document's `components`: security schemes, parameters, responses and schemas. */
export function openApiComponents(): Json {
  return {
    securitySchemes: {
      adminKey: { type: 'http', scheme: 'bearer', description: 'ADMIN_API_KEY' },
      adminJwt: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'HS256 with ADMIN_JWT_SECRET; claims sub, exp, scope admin',
      },
    },
    parameters: {
      IfMatch: {
        name: 'If-Match',
        in: 'header',
        description: 'the version the change was prepared on',
        schema: { type: 'string' },
      },
      DryRun: {
        name: 'dryRun',
        in: 'query',
        description: 'report what would change, write nothing',
        schema: { type: 'boolean' },
      },
    },
    responses: {
      InvalidRequest: errorResponse(
        'Invalid request or document: every problem with its path in `error.problems`',
      ),
      Unauthorized: errorResponse('No or wrong admin credential'),
      Forbidden: errorResponse('A JWT without the admin scope'),
      NotFound: errorResponse('No such application, endpoint, consumer or version'),
      Conflict: errorResponse('Exists already, or If-Match names a version that is no longer active'),
      PreconditionFailed: errorResponse('A malformed If-Match'),
      Unavailable: errorResponse('The admin database is unavailable'),
      ServiceUnavailable: errorResponse(
        'The service that owns the state is not running (service_unavailable)',
      ),
      ServiceTimeout: errorResponse(
        'The service that owns the state did not answer in time (service_timeout)',
      ),
    },
    schemas: {
      ...generated({
        ConfigDocument: GatewayConfigSchema,
        Application: ApplicationSchema,
        Endpoint: EndpointSchema,
        ConsumerInput: ApiKeySchema,
        RouterState: RouterStateSchema,
        MetricsSeries: MetricsSeriesSchema,
      }),
      Consumer: {
        type: 'object',
        description: 'An auth.keys entry without its digest, and how it authenticates',
        properties: {
          id: { type: 'string' },
          applications: { type: 'array', items: { type: 'string' } },
          credential: {
            oneOf: [
              { type: 'object', properties: { kind: { const: 'key' }, fingerprint: { type: 'string' } } },
              { type: 'object', properties: { kind: { const: 'env' }, env: { type: 'string' } } },
              { type: 'object', properties: { kind: { const: 'revoked' } } },
            ],
          },
        },
        additionalProperties: true,
      },
      Version: {
        type: 'object',
        properties: {
          revision: { type: 'integer' },
          version: { type: 'string' },
          parentVersion: { type: ['string', 'null'] },
          author: { type: 'string' },
          summary: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
          active: { type: 'boolean' },
        },
      },
      ChangeEnvelope: {
        type: 'object',
        required: ['version', 'revision', 'previousVersion', 'dryRun', 'committed', 'diff'],
        properties: {
          version: { type: 'string', description: 'the version after the change (or that it would have)' },
          revision: {
            type: 'integer',
            description:
              'the revision number active after the change (services apply revisions in this order; the gateway names the version it serves in x-aigw-config-version)',
          },
          previousVersion: { type: 'string' },
          dryRun: { type: 'boolean' },
          committed: { type: 'boolean', description: 'false on a dry run or when nothing changed' },
          diff: ref('ConfigDiff'),
        },
      },
      ConfigDiff: {
        type: 'object',
        properties: {
          changed: { type: 'boolean' },
          fields: {
            type: 'array',
            items: { type: 'string' },
            description: 'paths outside applications and auth.keys',
          },
          applications: entryChanges(true),
          consumers: entryChanges(false),
        },
      },
      Error: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            required: ['message', 'type', 'param', 'code'],
            properties: {
              message: { type: 'string' },
              type: { type: 'string' },
              param: { type: ['string', 'null'] },
              code: { type: 'string' },
              problems: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { path: { type: 'string' }, message: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    },
  };
}

function errorResponse(description: string): Json {
  return { description, content: json(ref('Error')) };
}

function entryChanges(withEndpoints: boolean): Json {
  const changed: Json = {
    type: 'object',
    properties: {
      id: { type: 'string' },
      fields: { type: 'array', items: { type: 'string' } },
      ...(withEndpoints ? { endpoints: entryChanges(false) } : {}),
    },
  };
  return {
    type: 'object',
    properties: {
      added: { type: 'array', items: { type: 'string' } },
      removed: { type: 'array', items: { type: 'string' } },
      changed: { type: 'array', items: changed },
    },
  };
}
