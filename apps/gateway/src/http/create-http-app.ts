import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { GatewayConfig } from '@aigw/config';
import { withTraceContext } from '@aigw/observability';
import type { BusClient } from '@aigw/messaging';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { GatewayModule } from '../gateway.module';
import type { StatefulFeatures } from '../completions/follow-ups.factory';
import type { UsageRecorder } from '../usage/usage-recorder';
import { OpenAiExceptionFilter } from './openai-exception.filter';

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
  config: GatewayConfig,
  bus: BusClient,
  usage: UsageRecorder,
  logger: LoggerService | false,
  stateful: StatefulFeatures,
): Promise<NestFastifyApplication> {
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
    GatewayModule.forRoot(config, bus, usage, stateful),
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
  // Run the handler in the caller's trace context (W3C traceparent), so the bus and the upstream call
  // continue the caller's trace. preHandler: the body is read by then and the handler runs next.
  fastify.addHook('preHandler', (request, _reply, done) => withTraceContext(request.headers, done));
  app.useGlobalFilters(new OpenAiExceptionFilter());
  return app;
}
