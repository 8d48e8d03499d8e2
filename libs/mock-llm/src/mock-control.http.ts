import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readBody } from './http-body';
import { MockBehaviourSchema, MockScriptSchema } from './mock-behaviour.schema';
import type { MockControl } from './mock-control';
import { openAiErrorJson } from './openai-error';

/**
 * The control API, for tests that script a mock running in another process:
 *   GET    /_mock/health
 *   GET    /_mock/requests[?instance=NAME]      → {"requests":[RecordedRequest...]}
 *   POST   /_mock/reset
 *   POST   /_mock/instances/{name}/script       {"behaviours":[MockBehaviour...]} → {"instance","queued"}
 *   PUT    /_mock/instances/{name}/default      MockBehaviour, or null to clear
 *   DELETE /_mock/instances/{name}/default
 */
export async function handleControlRequest(
  control: MockControl,
  req: IncomingMessage,
  res: ServerResponse<IncomingMessage>,
  path: string,
  query: string,
): Promise<void> {
  const text = await readBody(req);
  if (text === null) return;
  const method = req.method ?? 'GET';
  try {
    routeControl(control, res, method, path, query, text);
  } catch (error: unknown) {
    if (error instanceof z.ZodError) sendJson(res, 400, openAiErrorJson(problems(error)));
    else if (error instanceof SyntaxError)
      sendJson(res, 400, openAiErrorJson(`Invalid JSON: ${error.message}`));
    else if (error instanceof URIError) sendJson(res, 400, openAiErrorJson(`Invalid instance name: ${path}`));
    else throw error;
  }
}

function routeControl(
  control: MockControl,
  res: ServerResponse<IncomingMessage>,
  method: string,
  path: string,
  query: string,
  text: string,
): void {
  const key = `${method} ${path}`;
  if (key === 'GET /_mock/health') return sendJson(res, 200, '{"status":"ok"}');
  if (key === 'POST /_mock/reset') {
    control.reset();
    return sendEmpty(res);
  }
  if (key === 'GET /_mock/requests') {
    const instance = new URLSearchParams(query).get('instance') ?? undefined;
    return sendJson(res, 200, JSON.stringify({ requests: control.requests(instance) }));
  }
  const match = /^\/_mock\/instances\/([^/]+)\/(script|default)$/.exec(path);
  const instance = match === null ? '' : decodeURIComponent(match[1]);
  if (match !== null && match[2] === 'script' && method === 'POST') {
    const { behaviours } = MockScriptSchema.parse(parseJson(text));
    control.script(instance, behaviours);
    return sendJson(res, 200, JSON.stringify({ instance, queued: control.queued(instance) }));
  }
  if (match !== null && match[2] === 'default' && method === 'PUT') {
    const value = parseJson(text);
    control.setDefault(instance, value === null ? null : MockBehaviourSchema.parse(value));
    return sendEmpty(res);
  }
  if (match !== null && match[2] === 'default' && method === 'DELETE') {
    control.setDefault(instance, null);
    return sendEmpty(res);
  }
  sendJson(res, 404, openAiErrorJson(`Unknown control route: ${key}`));
}

function parseJson(text: string): unknown {
  return text === '' ? null : (JSON.parse(text) as unknown);
}

function problems(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

function sendJson(res: ServerResponse<IncomingMessage>, status: number, json: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

function sendEmpty(res: ServerResponse<IncomingMessage>): void {
  res.writeHead(204);
  res.end();
}
