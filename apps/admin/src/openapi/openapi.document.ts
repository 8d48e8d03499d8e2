import { openApiComponents } from './openapi-components';

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json): Json => ({ 'application/json': { schema } });
const pathParam = (name: string, description: string): Json => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
const ERRORS = {
  '400': { $ref: '#/components/responses/InvalidRequest' },
  '401': { $ref: '#/components/responses/Unauthorized' },
  '403': { $ref: '#/components/responses/Forbidden' },
  '404': { $ref: '#/components/responses/NotFound' },
  '409': { $ref: '#/components/responses/Conflict' },
  '412': { $ref: '#/components/responses/PreconditionFailed' },
  '503': { $ref: '#/components/responses/Unavailable' },
};
const WRITE_PARAMETERS = [
  { $ref: '#/components/parameters/IfMatch' },
  { $ref: '#/components/parameters/DryRun' },
];

function read(summary: string, schema: Json, parameters: Json[] = []): Json {
  return {
    summary,
    security: [{ adminKey: [] }, { adminJwt: [] }],
    parameters,
    responses: {
      '200': { description: 'OK; `ETag` is the active version', content: json(schema) },
      ...ERRORS,
    },
  };
}

function write(
  summary: string,
  options: { body?: Json; data?: Json; created?: boolean; key?: boolean; parameters?: Json[] },
): Json {
  const envelope: Json = {
    allOf: [
      ref('ChangeEnvelope'),
      {
        type: 'object',
        properties: {
          ...(options.data ? { data: options.data } : {}),
          ...(options.key
            ? {
                key: {
                  type: 'string',
                  description: 'The generated API key: shown in this response only, stored as its SHA-256.',
                },
              }
            : {}),
        },
      },
    ],
  };
  return {
    summary,
    security: [{ adminKey: [] }, { adminJwt: [] }],
    parameters: [...(options.parameters ?? []), ...WRITE_PARAMETERS],
    ...(options.body ? { requestBody: { required: true, content: options.body } } : {}),
    responses: {
      ...(options.created
        ? { '201': { description: 'Created: a new version is active', content: json(envelope) } }
        : {}),
      '200': {
        description: options.created ? 'Dry run, or no change' : 'Changed (or dry run)',
        content: json(envelope),
      },
      ...ERRORS,
    },
  };
}

const list = (item: Json): Json => ({
  type: 'object',
  properties: { data: { type: 'array', items: item } },
  required: ['data'],
});
const appId = pathParam('id', 'application id');
const endpointApp = pathParam('appId', 'application id');
const endpointId = pathParam('id', 'endpoint id');
const consumerId = pathParam('id', 'consumer (auth.keys entry) id');
const version = pathParam('version', 'configuration version (content hash)');
const env = pathParam('env', 'the ganrad environment segment (dev, test, prod…)');
const mergePatch = {
  'application/merge-patch+json': { schema: { type: 'object' } },
  'application/json': { schema: { type: 'object' } },
};

/**
 * The admin API's OpenAPI 3.1 document. Request and entry schemas are generated from the shared zod
 * schemas of `libs/config`, so fields other modules add to the configuration appear here by themselves.
 * `admin-api.int-spec.ts` checks that every route the server registers is here, and no other.
 */
export function openApiDocument(): Json {
  const paths: Json = {
    '/admin/v1/applications': {
      get: read('List the applications', list(ref('Application'))),
      post: write('Add an application', {
        body: json(ref('Application')),
        data: ref('Application'),
        created: true,
      }),
    },
    '/admin/v1/applications/{id}': {
      get: read('Get an application', ref('Application'), [appId]),
      put: write('Replace an application', {
        body: json(ref('Application')),
        data: ref('Application'),
        parameters: [appId],
      }),
      patch: write('Change an application (its policy blocks included) by JSON merge patch, RFC 7396', {
        body: mergePatch,
        data: ref('Application'),
        parameters: [appId],
      }),
      delete: write('Remove an application', { parameters: [appId] }),
    },
    '/admin/v1/applications/{appId}/endpoints': {
      get: read('List the endpoints of an application', list(ref('Endpoint')), [endpointApp]),
      post: write('Add an endpoint', {
        body: json(ref('Endpoint')),
        data: ref('Endpoint'),
        created: true,
        parameters: [endpointApp],
      }),
    },
    '/admin/v1/applications/{appId}/endpoints/{id}': {
      get: read('Get an endpoint', ref('Endpoint'), [endpointApp, endpointId]),
      put: write('Replace an endpoint', {
        body: json(ref('Endpoint')),
        data: ref('Endpoint'),
        parameters: [endpointApp, endpointId],
      }),
      patch: write('Change an endpoint by JSON merge patch', {
        body: mergePatch,
        data: ref('Endpoint'),
        parameters: [endpointApp, endpointId],
      }),
      delete: write('Remove an endpoint', { parameters: [endpointApp, endpointId] }),
    },
    '/admin/v1/consumers': {
      get: read('List the consumers (their keys as credential summaries)', list(ref('Consumer'))),
      post: write('Add a consumer; without sha256 or env a key is generated and returned once', {
        body: json(ref('ConsumerInput')),
        data: ref('Consumer'),
        created: true,
        key: true,
      }),
    },
    '/admin/v1/consumers/{id}': {
      get: read('Get a consumer', ref('Consumer'), [consumerId]),
      put: write('Replace a consumer (its credential is kept unless given)', {
        body: json(ref('ConsumerInput')),
        data: ref('Consumer'),
        parameters: [consumerId],
      }),
      patch: write('Change a consumer by JSON merge patch', {
        body: mergePatch,
        data: ref('Consumer'),
        parameters: [consumerId],
      }),
      delete: write('Remove a consumer', { parameters: [consumerId] }),
    },
    '/admin/v1/consumers/{id}/keys': {
      post: write('Generate a new key for the consumer (replaces its key); returned once', {
        data: ref('Consumer'),
        created: true,
        key: true,
        parameters: [consumerId],
      }),
      delete: write('Revoke the consumer key', { data: ref('Consumer'), parameters: [consumerId] }),
    },
    '/admin/v1/config': {
      get: {
        ...read(
          'Export the active document (YAML; JSON with Accept: application/json)',
          ref('ConfigDocument'),
        ),
        responses: {
          '200': {
            description: 'The active document; `ETag` is its version',
            content: { 'application/yaml': { schema: { type: 'string' } }, ...json(ref('ConfigDocument')) },
          },
          ...ERRORS,
        },
      },
      put: write('Import a whole document (YAML or JSON)', {
        body: { 'application/yaml': { schema: { type: 'string' } }, ...json(ref('ConfigDocument')) },
      }),
    },
    '/admin/v1/versions': {
      get: read(
        'List the versions, newest first',
        {
          type: 'object',
          properties: { active: { type: 'string' }, data: { type: 'array', items: ref('Version') } },
        },
        [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
          {
            name: 'before',
            in: 'query',
            description: 'revision to page back from',
            schema: { type: 'integer' },
          },
        ],
      ),
    },
    '/admin/v1/versions/{version}': {
      get: read(
        'Get a version with its document',
        { allOf: [ref('Version'), { type: 'object', properties: { document: ref('ConfigDocument') } }] },
        [version],
      ),
    },
    '/admin/v1/versions/{version}/activate': {
      post: write('Make that version active again (rollback); a new revision records it', {
        parameters: [version],
      }),
    },
    '/admin/v1/openapi.json': {
      get: {
        summary: 'This document',
        security: [],
        responses: { '200': { description: 'OpenAPI 3.1', content: json({ type: 'object' }) } },
      },
    },
    '/api/v1/{env}/apirouter/instanceinfo': {
      get: read('ganrad compatibility: the instance and its applications', { type: 'object' }, [env]),
    },
    '/api/v1/{env}/apirouter/reconfig/{key}': {
      get: reconfig(),
      post: reconfig(),
    },
    '/admin/v1/state': {
      get: live(
        "The router's live endpoint state (`router.v1.state`): health verdicts, circuit breakers, " +
          'cool-downs and limit counters, from the state its replicas share',
        ref('RouterState'),
      ),
    },
    '/admin/v1/metrics': {
      get: live(
        "The metrics service's interval history (`metrics.v1.summary`) as series: requests, failures, " +
          'tokens, latency and cache hits per finished interval, in total and per application',
        ref('MetricsSeries'),
      ),
    },
    '/console': {
      get: page('The web console (its data comes from the admin API, with the admin credential)'),
    },
    '/console/assets/{file}': {
      get: {
        ...page("The console's style sheet and script modules", ['text/css', 'text/javascript']),
        parameters: [pathParam('file', 'asset file name, e.g. main.js')],
      },
    },
    '/healthz': { get: probe('Liveness: the process serves') },
    '/readyz': { get: probe('Readiness: the admin database answers') },
  };

  return {
    openapi: '3.1.0',
    info: {
      title: 'AI gateway admin API',
      version: 'v1',
      description:
        'The configuration is one document (the YAML file schema). Every write is validated as a whole ' +
        'document, makes a new version (the `ETag`), is broadcast as `config.changed`, and takes `If-Match` ' +
        '(409 when stale) and `?dryRun=true` (report the diff, write nothing). Errors use the OpenAI envelope.',
    },
    paths,
    components: openApiComponents(),
  };
}

function reconfig(): Json {
  return {
    summary: 'ganrad compatibility: re-read the configuration file and make it active (metrics are kept)',
    security: [],
    parameters: [env, pathParam('key', 'the admin key (ADMIN_API_KEY)')],
    responses: {
      '200': { description: 'Reconfigured (or nothing to change)', content: json({ type: 'object' }) },
      ...ERRORS,
    },
  };
}

function live(summary: string, schema: Json): Json {
  return {
    summary,
    security: [{ adminKey: [] }, { adminJwt: [] }],
    responses: {
      '200': { description: 'OK', content: json(schema) },
      '401': { $ref: '#/components/responses/Unauthorized' },
      '403': { $ref: '#/components/responses/Forbidden' },
      '503': { $ref: '#/components/responses/ServiceUnavailable' },
      '504': { $ref: '#/components/responses/ServiceTimeout' },
    },
  };
}

function page(summary: string, types = ['text/html']): Json {
  return {
    summary,
    security: [],
    responses: {
      '200': {
        description: 'OK',
        content: Object.fromEntries(types.map((type) => [type, { schema: { type: 'string' } }])),
      },
      '404': { $ref: '#/components/responses/NotFound' },
    },
  };
}

function probe(summary: string): Json {
  return {
    summary,
    security: [],
    responses: {
      '200': { description: 'OK', content: json({ type: 'object' }) },
      '503': { description: 'Not ready', content: json({ type: 'object' }) },
    },
  };
}
