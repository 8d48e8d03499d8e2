import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AdminExceptionFilter } from './admin-exception.filter';
import type { AdminHttpDependencies } from './admin-http.module';
import { AdminHttpModule } from './admin-http.module';

/** Whole configuration documents are small; this bounds an import. */
export const ADMIN_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

export interface AdminRoute {
  readonly method: string;
  readonly url: string;
}

/**
 * The admin API's HTTP server: Fastify under Nest, like the gateway. JSON bodies are parsed as JSON;
 * YAML (`application/yaml`, `text/yaml`…) and any other non-JSON text stay text for `PUT
 * /admin/v1/config`, which reads YAML (JSON is YAML too). `routes` collects every registered route,
 * so the OpenAPI spec can be checked against it.
 */
export async function createAdminHttpApp(
  deps: AdminHttpDependencies,
  routes: AdminRoute[] = [],
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: ADMIN_BODY_LIMIT_BYTES,
    requestTimeout: 30_000,
    return503OnClosing: true,
    logger: false,
  });
  // No `logger` option: it would replace the process-wide logger the bus service set up.
  const app = await NestFactory.create<NestFastifyApplication>(AdminHttpModule.forRoot(deps), adapter, {
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    const type = String(req.headers['content-type'] ?? '').toLowerCase();
    if (/yaml/.test(type)) return done(null, text);
    try {
      done(null, JSON.parse(text));
    } catch {
      if (/json/.test(type)) return done(new SyntaxError('invalid JSON'), undefined);
      done(null, text);
    }
  });
  app.useGlobalFilters(new AdminExceptionFilter());
  return app;
}
