import { ROOT_CONTEXT, context, trace } from '@opentelemetry/api';
import { GatewayError } from '@aigw/contracts';
import { initTelemetry } from '@aigw/observability';
import { parseOpenAiError } from '../openai-compatible/openai-error.mapper';
import type { TestHandler, TestUpstream } from '../test/test-upstream';
import { json, startTestUpstream } from '../test/test-upstream';
import { UpstreamFailure } from './upstream-failure.error';
import type { UpstreamCall } from './upstream-http.client';
import { UpstreamHttpClient } from './upstream-http.client';

describe('UpstreamHttpClient', () => {
  let handler: TestHandler;
  let upstream: TestUpstream;
  const client = new UpstreamHttpClient({ now: () => 0 });

  beforeAll(async () => {
    initTelemetry();
    upstream = await startTestUpstream((req, res) => handler(req, res));
  });
  beforeEach(() => {
    upstream.requests.length = 0;
  });
  afterAll(async () => {
    await client.close();
    await upstream.close();
  });

  const call = (overrides: Partial<UpstreamCall> = {}): UpstreamCall => ({
    url: `${upstream.url}/v1/chat/completions`,
    headers: { authorization: 'Bearer sk-test' },
    body: { model: 'm' },
    timeoutMs: 2_000,
    signal: new AbortController().signal,
    allowPrivateNetwork: true,
    parseError: parseOpenAiError,
    ...overrides,
  });

  it('posts JSON with only the given headers and returns the parsed body', async () => {
    handler = (_req, res) => json(res, 200, { ok: true });
    const reply = await client.postJson(call());
    expect(reply).toMatchObject({ status: 200, json: { ok: true } });
    const [seen] = upstream.requests;
    expect(seen).toMatchObject({ method: 'POST', url: '/v1/chat/completions', body: { model: 'm' } });
    expect(seen.headers).toMatchObject({
      authorization: 'Bearer sk-test',
      'content-type': 'application/json',
    });
    expect(seen.headers.traceparent).toBeUndefined();
  });

  it('injects the active trace context as traceparent', async () => {
    handler = (_req, res) => json(res, 200, {});
    const span = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
    await context.with(trace.setSpanContext(ROOT_CONTEXT, span), () => client.postJson(call()));
    expect(upstream.requests[0].headers.traceparent).toBe(`00-${span.traceId}-${span.spanId}-01`);
  });

  it('rejects a 429 as rate limited with its retry-after', async () => {
    handler = (_req, res) => json(res, 429, { error: { message: 'slow down' } }, { 'retry-after': '2' });
    await expect(client.postJson(call())).rejects.toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 2_000,
    });
  });

  it('rejects other 4xx as the client mistake with the upstream message', async () => {
    handler = (_req, res) => json(res, 400, { error: { message: 'bad messages', param: 'messages' } });
    const error = await client.postJson(call()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({
      code: 'upstream_bad_request',
      status: 400,
      message: 'bad messages',
      param: 'messages',
    });
  });

  it('reads a huge error body only up to its bound, and the client goes on working', async () => {
    handler = (_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.write(`{"error":{"message":"too long ${'x'.repeat(64 * 1024)}`);
      // Never ends: the bounded read must not wait for the rest.
    };
    const error = await client.postJson(call()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'upstream_bad_request', status: 400 });
    handler = (_req, res) => json(res, 200, { again: true }, { 'x-seen': 'once' });
    const reply = await client.postJson(call());
    expect(reply).toMatchObject({ status: 200, json: { again: true }, headers: { 'x-seen': 'once' } });
  });

  it('rejects invalid JSON in a 2xx as a server error', async () => {
    handler = (_req, res) => res.end('{oops');
    await expect(client.postJson(call())).rejects.toMatchObject({ kind: 'server_error' });
  });

  it('times out waiting for headers', async () => {
    handler = () => undefined;
    const error = await client.postJson(call({ timeoutMs: 50 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamFailure);
    expect(error).toMatchObject({ kind: 'timeout', reason: 'timed out after 50 ms' });
    await upstream.until((r) => r[0]?.aborted === true);
  });

  it('times out reading the body of a non-stream', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    };
    await expect(client.postJson(call({ timeoutMs: 50 }))).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('does not time out a stream once headers arrived', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      setTimeout(() => res.end('data: 2\n\n'), 150);
    };
    const reply = await client.postStream(call({ timeoutMs: 50 }));
    let text = '';
    const reads = reply.body.read();
    for (let read = await reads.next(); !read.done; read = await reads.next())
      text += Buffer.from(read.value).toString('utf8');
    expect(text).toBe('data: 1\n\ndata: 2\n\n');
  });

  it('aborts on the signal, and the upstream sees the request go away', async () => {
    handler = () => undefined;
    const abort = new AbortController();
    const pending = client.postJson(call({ signal: abort.signal }));
    await upstream.until((r) => r.length === 1);
    abort.abort();
    await expect(pending).rejects.not.toBeInstanceOf(UpstreamFailure);
    await upstream.until((r) => r[0].aborted);
  });

  it('reports a refused connection without naming the host', async () => {
    const closed = await startTestUpstream(() => undefined);
    await closed.close();
    const error = await client
      .postJson(call({ url: `${closed.url}/v1/chat/completions` }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'connection_error', reason: 'connection refused' });
  });
});
