/**
 * The practical floor for any Node proxy: node:http in, a pooled undici client out, bodies streamed
 * both ways, nothing else. The benchmark measures the gateway against this and against the upstream.
 * Env: PROXY_PORT, UPSTREAM_URL.
 */
import { createServer } from 'node:http';
import { Pool } from 'undici';

const upstream = new Pool(process.env.UPSTREAM_URL ?? 'http://127.0.0.1:4010', { connections: 128 });
const server = createServer((req, res) => {
  upstream
    .request({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      body: req,
    })
    .then(({ statusCode, headers, body }) => {
      res.writeHead(statusCode, { 'content-type': String(headers['content-type'] ?? 'application/json') });
      body.pipe(res);
    })
    .catch(() => {
      res.writeHead(502).end();
    });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PROXY_PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(
    `minimal-proxy listening on ${typeof address === 'object' && address ? address.port : ''}\n`,
  );
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
