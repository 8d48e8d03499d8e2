import type { ConfigSnapshot, GatewayConfig, LiveConfig, ResolvedApplication } from '@aigw/config';
import type { RouteRequest, RouteResult, RouterStreamEvent } from '@aigw/contracts';
import { GatewayError, Subjects, routeResultBody } from '@aigw/contracts';
import type { BusClient } from '@aigw/messaging';
import type { Operation } from '@aigw/openai-schema';
import { PATH_ROUTED_SCHEMAS, REQUEST_SCHEMAS } from '@aigw/openai-schema';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApplicationDirectory } from '../applications/application-directory';
import type { ApiKeyAuthenticator } from '../auth/api-key.authenticator';
import { errorBody, errorHeaders, validationError } from '../http/openai-error';
import { rateLimitHeaders } from '../http/rate-limit-headers';
import { context } from '@opentelemetry/api';
import { tagConfigSnapshot } from '@aigw/observability';
import {
  CLIENT_CLOSED_REQUEST,
  RequestUsage,
  answeringAttemptMs,
  failedAttempts,
} from '../usage/request-usage';
import type { UsageRecorder } from '../usage/usage-recorder';
import type { CompletionFollowUps, RequestFailure } from './completion-follow-up';
import { CompletionFollowUp } from './completion-follow-up';
import { CLIENT_CLOSED } from './completion-follow-up';
import { routingHashKey } from './routing-hash-key';
import { sendCachedAnswer } from './cached-answer';
import type { CacheOutcome, CompletionCache } from './completion-cache';
import { cacheHeaders } from './completion-cache';
import { SseWriter } from './sse-writer';
import { StreamAssembler } from './stream-assembler';

const SUBJECTS: Record<Operation, { unary: string; stream: string | null }> = {
  chat: { unary: Subjects.router.chat, stream: Subjects.router.chatStream },
  completions: { unary: Subjects.router.completions, stream: Subjects.router.completionsStream },
  embeddings: { unary: Subjects.router.embeddings, stream: null },
};

/** How the request named its application: by the `model` field, or in the path (Azure, ganrad). */
export type Target =
  | { kind: 'model'; operation: Operation }
  | { kind: 'path'; application: string; operation: Operation | null };

/** What Fastify sets for an object it serialises, set by hand for a JSON text relayed as is. */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The response header naming the configuration version that served the request. */
export const CONFIG_VERSION_HEADER = 'x-aigw-config-version';

/**
 * The gateway's one use case: authenticate, validate, find the application, authorise, then one
 * dispatch to the router over the bus — a JSON reply, or a stream relayed as server-sent events.
 * Order matters: a missing key is a 401 before any 400, as with OpenAI. The request is served by the
 * configuration snapshot current when it arrived, to its end (a stream included), whatever changes
 * meanwhile; its response and its span name that snapshot's version.
 */
export class DispatchCompletion {
  constructor(
    private readonly live: LiveConfig,
    private readonly auth: ApiKeyAuthenticator,
    private readonly directory: ApplicationDirectory,
    private readonly bus: BusClient,
    private readonly usage: UsageRecorder,
    private readonly followUps: CompletionFollowUps,
    private readonly cache: CompletionCache,
  ) {}

  async execute(request: FastifyRequest, reply: FastifyReply, target: Target): Promise<void> {
    const snapshot = this.live.current;
    const { config } = snapshot;
    // Errors too name the configuration that refused them.
    void reply.header(CONFIG_VERSION_HEADER, config.version);
    tagConfigSnapshot(snapshot);
    const consumer = this.auth.authenticate(request.headers, request.ip, snapshot);
    const { app, operation, body } = this.admit(request.body, target, snapshot);
    this.auth.authorize(consumer, app.id);

    const requestId = String(request.id);
    const subjects = SUBJECTS[operation];
    const stream = body.stream === true && subjects.stream !== null;
    const usage = new RequestUsage({
      requestId,
      applicationId: app.id,
      consumerId: consumer.keyId,
      operation,
      stream,
      requestedModel: typeof body.model === 'string' ? body.model : null,
    });
    const keepPayloads = app.logging?.payloads === true;
    const turn = { headers: request.headers, app, operation, requestId, consumerId: consumer.keyId, body };
    let followUp: CompletionFollowUp;
    try {
      const begun = this.followUps.begin(turn);
      followUp = begun instanceof CompletionFollowUp ? begun : await begun;
    } catch (error) {
      const failure = GatewayError.from(error);
      usage.failed(failure.code);
      const event = this.usage.finished(request.raw, usage, failure.status);
      this.followUps.rejected(turn, event, error);
      throw error;
    }
    const routeRequest: RouteRequest = {
      requestId,
      applicationId: app.id,
      consumerId: consumer.keyId,
      environment: consumer.environment,
      hashKey: routingHashKey(app, {
        headers: request.headers,
        ip: request.ip,
        url: request.url,
        body,
        consumerId: consumer.keyId,
      }),
      body: followUp.body,
    };
    const cached =
      this.cache.unasked(request, app, operation) ??
      (await this.cache.lookup(request, app, operation, routeRequest));
    if (cached.kind === 'hit') {
      usage.cacheHit(cached.similarity);
      sendCachedAnswer(request, reply, cached, {
        stream,
        headers: { ...followUp.headers, [CONFIG_VERSION_HEADER]: config.version },
        onChunk: (data) => followUp.chunk(data),
      });
      const event = usage.finish(200);
      this.usage.record(event);
      if (stream) followUp.streamed(event);
      else followUp.answered(event, () => cached.body);
      return;
    }
    if (stream && subjects.stream)
      return this.relayStream(
        subjects.stream,
        routeRequest,
        request,
        reply,
        usage,
        followUp,
        cached,
        operation,
        keepPayloads,
        config,
      );

    let result: RouteResult;
    try {
      result = await this.bus.request<RouteResult>(subjects.unary, routeRequest, {
        timeoutMs: config.server.requestTimeoutMs,
      });
    } catch (error) {
      const failure = GatewayError.from(error);
      usage.failed(failure.code);
      const payloads = keepPayloads ? { request: routeRequest.body, response: null } : undefined;
      const event = this.usage.finished(request.raw, usage, failure.status, payloads);
      followUp.failed(event, failure);
      throw error;
    }
    usage.answered(result.endpointId, result.provider, result.model, failedAttempts(result.attempts));
    usage.tokens(result.usage);
    const upstreamMs = answeringAttemptMs(result.attempts);
    if (upstreamMs !== null) usage.upstreamTook(upstreamMs);
    void reply
      .headers(followUp.headers)
      .header('x-aigw-endpoint', result.endpointId)
      .header(CONFIG_VERSION_HEADER, config.version)
      .headers(rateLimitHeaders(result.rateLimit))
      .headers(cacheHeaders(cached));
    // The upstream's JSON text goes out as it came; it is parsed here only for whoever reads it.
    if (typeof result.body === 'string') void reply.type(JSON_CONTENT_TYPE);
    void reply.send(result.body);
    let parsed: Record<string, unknown> | null = null;
    const answer = () => (parsed ??= routeResultBody(result.body));
    const payloads = keepPayloads ? { request: routeRequest.body, response: answer() } : undefined;
    const event = this.usage.finished(request.raw, usage, 200, payloads);
    followUp.answered(event, answer);
    this.cache.store(cached, routeRequest, operation, answer);
  }

  private admit(
    raw: unknown,
    target: Target,
    snapshot: ConfigSnapshot,
  ): { app: ResolvedApplication; operation: Operation; body: Record<string, unknown> } {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new GatewayError('invalid_request', 'The request body must be a JSON object.');
    }
    if (target.kind === 'model') {
      const parsed = REQUEST_SCHEMAS[target.operation].safeParse(raw);
      if (!parsed.success) throw validationError(parsed.error, raw);
      const app = this.directory.resolve(parsed.data.model, 'model', snapshot);
      this.directory.checkOperation(app, target.operation);
      return { app, operation: target.operation, body: parsed.data };
    }
    const app = this.directory.resolve(target.application, null, snapshot);
    const operation = target.operation ?? this.directory.operationOf(app);
    this.directory.checkOperation(app, operation, null);
    const parsed = PATH_ROUTED_SCHEMAS[operation].safeParse(raw);
    if (!parsed.success) throw validationError(parsed.error, raw);
    return { app, operation, body: { ...parsed.data, model: parsed.data.model ?? app.id } };
  }

  /**
   * Headers are held back until the router says an endpoint accepted the request (`start`), so an error
   * before that — every endpoint busy, say — is still a proper status code. A client that goes away
   * unsubscribes, which cancels the router's upstream call.
   */
  private relayStream(
    subject: string,
    routeRequest: RouteRequest,
    request: FastifyRequest,
    reply: FastifyReply,
    usage: RequestUsage,
    followUp: CompletionFollowUp,
    cached: CacheOutcome,
    operation: Operation,
    keepPayloads: boolean,
    config: GatewayConfig,
  ): Promise<void> {
    void reply.hijack();
    const sse = new SseWriter(reply.raw);
    const assembly = cached.kind === 'miss' && cached.write ? new StreamAssembler() : null;
    let started = false;
    let recorded = false;
    const chunks: string[] = [];
    // Stream events arrive in the transport's callbacks: the usage job joins the request's trace.
    const requestContext = context.active();
    const record = (status: number, error: RequestFailure | null = null) => {
      if (recorded) return;
      recorded = true;
      if (error !== null) usage.failed(error.code);
      const payloads = keepPayloads ? { request: routeRequest.body, response: chunks } : undefined;
      const event = context.with(requestContext, () =>
        this.usage.finished(request.raw, usage, status, payloads),
      );
      if (error === null) followUp.streamed(event);
      else followUp.failed(event, error);
    };
    return new Promise<void>((resolve) => {
      const subscription = this.bus
        .stream<RouterStreamEvent>(subject, routeRequest, {
          firstTimeoutMs: config.server.requestTimeoutMs,
          idleTimeoutMs: config.server.streamIdleTimeoutMs,
        })
        .subscribe({
          next: (event) => {
            if (event.kind === 'start') {
              started = true;
              usage.answered(event.endpointId, event.provider, event.model, event.retries);
              sse.open({
                ...followUp.headers,
                'x-request-id': String(request.id),
                'x-aigw-endpoint': event.endpointId,
                [CONFIG_VERSION_HEADER]: config.version,
                ...rateLimitHeaders(event.rateLimit),
                ...cacheHeaders(cached),
              });
            } else if (!started) {
              return;
            } else if (event.kind === 'chunks') {
              usage.firstToken();
              for (const chunk of event.data) {
                followUp.chunk(chunk);
                if (keepPayloads) chunks.push(chunk);
                assembly?.add(chunk);
              }
              sse.data(event.data);
            } else {
              usage.upstreamEnded();
              usage.tokens(event.usage);
              assembly?.reportedUsage(event.usage);
            }
          },
          error: (error: unknown) => {
            const gatewayError = GatewayError.from(error);
            if (started) sse.fail(gatewayError);
            else writeRawError(reply, request, gatewayError);
            record(gatewayError.status, gatewayError);
            resolve();
          },
          complete: () => {
            if (started) {
              sse.done();
              record(200);
              if (assembly !== null)
                this.cache.store(cached, routeRequest, operation, () => assembly.response());
            } else {
              const error = new GatewayError(
                'upstream_error',
                'The upstream stream ended before it started.',
              );
              writeRawError(reply, request, error);
              record(error.status, error);
            }
            resolve();
          },
        });
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) {
          subscription.unsubscribe();
          record(CLIENT_CLOSED_REQUEST, CLIENT_CLOSED);
        }
        resolve();
      });
    });
  }
}

/** After `hijack()` Fastify no longer writes the reply: an error before the first frame is written raw. */
function writeRawError(reply: FastifyReply, request: FastifyRequest, error: GatewayError): void {
  if (reply.raw.headersSent) return void reply.raw.end();
  reply.raw.writeHead(error.status, {
    'content-type': 'application/json; charset=utf-8',
    'x-request-id': String(request.id),
    [CONFIG_VERSION_HEADER]: String(reply.getHeader(CONFIG_VERSION_HEADER) ?? ''),
    ...errorHeaders(error),
  });
  reply.raw.end(JSON.stringify(errorBody(error)));
}
