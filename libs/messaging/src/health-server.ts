import { renderMetrics } from '@aigw/observability';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { once } from 'node:events';

/**
 * Liveness and readiness over HTTP for a bus service in its own process (Kubernetes probes):
 * `/healthz` says the process runs (no dependency checked, so a broker outage never restarts it);
 * `/readyz` says it can take work (`isReady`, e.g. the bus connection is up and, for a service with
 * a database, the database answers); `/metrics` is the process's Prometheus exposition (the scrape
 * target of a bus service).
 */
export async function startHealthServer(
  port: number,
  host: string,
  isReady: () => boolean | Promise<boolean>,
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    if (path === '/readyz') {
      void Promise.resolve()
        .then(isReady)
        .catch(() => false)
        .then((ready) =>
          res
            .writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
            .end(ready ? '{"status":"ok"}' : '{"status":"unavailable"}'),
        );
      return;
    }
    if (path === '/metrics')
      return void renderMetrics().then(
        ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
        () => res.writeHead(500).end(),
      );
    res.writeHead(404).end();
  });
  server.listen(port, host);
  await once(server, 'listening');
  return server;
}
