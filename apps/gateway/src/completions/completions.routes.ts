import type { FastifyInstance } from 'fastify';
import type { DispatchCompletion, Target } from './dispatch-completion.usecase';

type Params = Readonly<Record<string, string>>;

const CHAT: Target = { kind: 'model', operation: 'chat' };
const COMPLETIONS: Target = { kind: 'model', operation: 'completions' };
const EMBEDDINGS: Target = { kind: 'model', operation: 'embeddings' };

/**
 * The OpenAI-compatible inference routes, and the two path-routed dialects existing clients speak.
 * On Fastify itself rather than a Nest controller: Nest's router adds an execution context, parameter
 * resolution and an interceptor chain to every request, none of which these routes use (the use case
 * writes its own reply). Their errors still reach OpenAiExceptionFilter, which Nest installs as
 * Fastify's error handler along with the other global filters.
 */
export function registerCompletionRoutes(fastify: FastifyInstance, dispatch: DispatchCompletion): void {
  const post = (url: string, target: (params: Params) => Target) =>
    fastify.post(url, (request, reply) => dispatch.execute(request, reply, target(request.params as Params)));

  post('/v1/chat/completions', () => CHAT);
  post('/v1/completions', () => COMPLETIONS);
  post('/v1/embeddings', () => EMBEDDINGS);

  // Azure OpenAI clients: `/openai/deployments/{deployment}/chat/completions?api-version=…`, `api-key` header.
  post('/openai/deployments/:deployment/chat/completions', (p) => pathTarget(p['deployment'], 'chat'));
  post('/openai/deployments/:deployment/completions', (p) => pathTarget(p['deployment'], 'completions'));
  post('/openai/deployments/:deployment/embeddings', (p) => pathTarget(p['deployment'], 'embeddings'));

  // The ganrad openai-api-router route: the application (and so the operation) is in the path.
  post('/api/v1/:env/apirouter/lb/:appId', (p) => pathTarget(p['appId'], null));
}

function pathTarget(application: string | undefined, operation: Target['operation']): Target {
  return { kind: 'path', application: application ?? '', operation };
}
