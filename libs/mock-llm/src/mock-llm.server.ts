import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiCall } from './api-call';
import { handleChatCompletions } from './chat-completions.handler';
import { handleCompletions } from './completions.handler';
import { handleEmbeddings } from './embeddings.handler';
import { readBody } from './http-body';
import { MockControl } from './mock-control';
import { handleControlRequest } from './mock-control.http';
import { MockExchange } from './mock-exchange';
import type { ApiRoute } from './mock-routes';
import { CONTROL_PREFIX, instanceOfPath, matchApiRoute } from './mock-routes';
import { MockState } from './mock-state';
import { NORMAL_BEHAVIOUR } from './mock-behaviour.schema';
import { openAiErrorJson } from './openai-error';
import { isRecord } from './reply-text';

export interface MockLlmOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Size of the request log (a ring buffer). Default 10,000. */
  maxRecordedRequests?: number;
}

export interface MockLlm {
  /** `http://host:port`, without a trailing slash. */
  readonly url: string;
  readonly control: MockControl;
  /** Stops listening and closes every connection, hanging ones included. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_RECORDED_REQUESTS = 10_000;

const NOT_JSON = Symbol('not-json');

/** Starts an OpenAI-compatible mock upstream on plain `node:http`. */
export async function startMockLlm(options: MockLlmOptions = {}): Promise<MockLlm> {
  const host = options.host ?? '127.0.0.1';
  const state = new MockState(options.maxRecordedRequests ?? DEFAULT_MAX_RECORDED_REQUESTS);
  const control = new MockControl(state);
  const tag = randomBytes(4).toString('hex');
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    req.on('error', ignore);
    if (path.startsWith(CONTROL_PREFIX)) {
      handleControlRequest(control, req, res, path, query === -1 ? '' : url.slice(query + 1)).catch(
        (error: unknown) => failed(res, error),
      );
      return;
    }
    serveApi(state, tag, req, res, path, url).catch((error: unknown) => failed(res, error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    control,
    close: () => closeServer(server),
  };
}

async function serveApi(
  state: MockState,
  tag: string,
  req: IncomingMessage,
  res: ServerResponse<IncomingMessage>,
  path: string,
  url: string,
): Promise<void> {
  const method = req.method ?? 'GET';
  const route = matchApiRoute(method, path);
  const record = state.begin(route?.instance ?? instanceOfPath(path), method, path, url, req.headers);
  // Behaviours are consumed in arrival order, before the body is read.
  const behaviour = route === null ? NORMAL_BEHAVIOUR : state.take(route.instance);
  const exchange = new MockExchange(res, record, behaviour, state, `${tag}-${record.seq}`);
  const text = await readBody(req);
  if (text === null) return;
  let body: unknown = NOT_JSON;
  if (text !== '') {
    try {
      body = JSON.parse(text) as unknown;
      record.body = body;
    } catch {
      record.body = text;
    }
  }
  state.changed();
  if (route === null) {
    exchange.sendError(404, `Unknown route: ${method} ${path}`);
    return;
  }
  await respond(state, exchange, route, body);
}

/** Behaviour first (hang, delay, scripted status or body), then the normal reply. */
async function respond(
  state: MockState,
  exchange: MockExchange,
  route: ApiRoute,
  body: unknown,
): Promise<void> {
  const { hang, delayMs, status, body: scriptedBody } = exchange.behaviour;
  if (hang === true) return;
  if (!(await exchange.wait(delayMs))) return;
  if (status !== undefined && status >= 400) {
    exchange.sendScriptedError(status);
    return;
  }
  const okStatus = status ?? 200;
  if (scriptedBody !== undefined) {
    exchange.sendBody(okStatus, scriptedBody);
    return;
  }
  if (route.kind === 'models') {
    exchange.sendJson(okStatus, state.modelsListJson());
    return;
  }
  if (body === NOT_JSON) {
    exchange.sendError(400, 'We could not parse the JSON body of your request.');
    return;
  }
  if (!isRecord(body)) {
    exchange.sendError(400, 'The request body must be a JSON object.');
    return;
  }
  const model = route.deployment ?? body.model;
  if (typeof model !== 'string' || model === '') {
    exchange.sendError(400, 'You must provide a model parameter.', 'model');
    return;
  }
  state.seeModel(model);
  const call: ApiCall = { exchange, body, model, status: okStatus };
  if (route.kind === 'chat') await handleChatCompletions(call);
  else if (route.kind === 'completions') await handleCompletions(call);
  else handleEmbeddings(call);
}

/** A bug in the mock must not kill the process that embeds it: answer 500, or drop the connection. */
function failed(res: ServerResponse<IncomingMessage>, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  res.writeHead(500, { 'content-type': 'application/json' });
  res.end(openAiErrorJson(`Mock internal error: ${message}`, 'server_error'));
}

function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

function ignore(): void {
  // A client that resets mid-body is recorded as an abort by its exchange.
}
