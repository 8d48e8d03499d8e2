import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { LiveConfig } from '@aigw/config';
import { Subjects } from '@aigw/contracts';
import type { BusClient } from '@aigw/messaging';
import { endHttpServerSpan, startHttpServerSpan } from '@aigw/observability';
import type { ServerSpan } from '@aigw/observability';
import { context, trace } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { GatewayModule } from '../gateway.module';
import { registerCompletionRoutes } from '../completions/completions.routes';
import { DispatchCompletion } from '../completions/dispatch-completion.usecase';
import type { StatefulFeatures } from '../completions/follow-ups.factory';
import { AccessLog } from '../telemetry/access-log';
import { requestOutcome } from '../telemetry/request-outcome';
import type { UsageRecorder } from '../usage/usage-recorder';
import { OpenAiExceptionFilter } from './openai-exception.filter';

/** Probes and scrapes: no span, no access-log line. */
const UNTRACED_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** A client-chosen `x-request-id` is kept when it is safe to echo and log; otherwise one is made. */
function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * The gateway's HTTP server: Fastify under Nest. Bodies over the limit are refused with 413 before they
 * are read; slow clients (slowloris) are bounded by header and request-receive timeouts; every body is parsed as JSON
 * whatever its content type (curl's `-d` says form-urlencoded), since every inference route takes JSON.
 */
export async function createHttpApp(
  live: LiveConfig,
  bus: BusClient,
  usage: UsageRecorder,
  logger: LoggerService | false,
  stateful: StatefulFeatures,
  metricsOnApiPort = true,
): Promise<NestFastifyApplication> {
  // The listener's settings are read once: `server.*` changes apply at the next start.
  const { config } = live;
  const adapter = new FastifyAdapter({
    bodyLimit: config.server.bodyLimitBytes,
    genReqId: requestId,
    trustProxy: config.server.trustProxy,
    requestTimeout: config.server.requestReceiveTimeoutMs,
    connectionTimeout: 0,
    // Node checks the header and request timeouts on this period (30 s by default), which would let a
    // slow client hold its connection that much longer than the bound.
    http: { connectionsCheckingInterval: Math.min(1_000, config.server.headersTimeoutMs) },
    keepAliveTimeout: 65_000,
    return503OnClosing: true,
    logger: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forRoot(live, bus, usage, stateful, metricsOnApiPort),
    adapter,
    {
      logger,
      bodyParser: false,
    },
  );
  const fastify = app.getHttpAdapter().getInstance();
  fastify.server.headersTimeout = config.server.headersTimeoutMs;
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    '*',
    { parseAs: 'string', bodyLimit: config.server.bodyLimitBytes },
    (_req, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text));
      } catch {
        done(new SyntaxError('invalid JSON'), undefined);
      }
    },
  );
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  observeRequests(fastify, logger ? new AccessLog(live, logger, publisher(live, bus)) : null);
  registerCompletionRoutes(fastify, app.get(DispatchCompletion));
  app.useGlobalFilters(new OpenAiExceptionFilter());
  return app;
}

/**
 * One server span per request (child of the caller's W3C `traceparent`), active while the handler runs
 * so the bus and the upstream call continue the trace; and one access-log line when the response is
 * over (`close`, which streams and client disconnects reach too). The line is written on the next
 * turn, once the inference use case has left the request's outcome (its own `close` listener runs
 * after this one).
 */
function observeRequests(fastify: FastifyInstance, accessLog: AccessLog | null): void {
  const spans = new WeakMap<IncomingMessage, ServerSpan>();
  fastify.addHook('onRequest', (request, reply, done) => {
    const route = request.routeOptions.url;
    if (route !== undefined && UNTRACED_ROUTES.has(route)) return done();
    const started = performance.now();
    const server = startHttpServerSpan(request.method, route, request.headers);
    spans.set(request.raw, server);
    reply.raw.once('close', () =>
      setImmediate(() => {
        const outcome = requestOutcome(request.raw);
        const status = outcome?.event.status ?? reply.raw.statusCode;
        endHttpServerSpan(server.span, status, outcome?.event.errorCode ?? undefined);
        const ids = server.span.spanContext();
        accessLog?.write(
          {
            requestId: String(request.id),
            traceId: trace.isSpanContextValid(ids) ? ids.traceId : null,
            method: request.method,
            route: route ?? null,
            status,
            durationMs: performance.now() - started,
          },
          outcome,
        );
      }),
    );
    done();
  });
  // preHandler: the body is read by then and the handler runs next, in the span's context.
  fastify.addHook('preHandler', (request, _reply, done) => {
    const server = spans.get(request.raw);
    if (server === undefined) return done();
    context.with(server.context, done);
  });
}

/** Publishes log records while the live configuration's `logging.publish` is on. */
function publisher(live: LiveConfig, bus: BusClient): (record: unknown) => void {
  return (record) => {
    if (live.config.logging.publish) void bus.emit(Subjects.logs.requests, record).catch(() => undefined);
  };
}
