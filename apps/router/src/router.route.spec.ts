import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ROOT_CONTEXT, context, trace } from '@opentelemetry/api';
import { GatewayError, routeResultBody } from '@aigw/contracts';
import type { MockLlm } from '@aigw/mock-llm';
import { startMockLlm } from '@aigw/mock-llm';
import { initTelemetry } from '@aigw/observability';
import type { RouterUnderTest } from './test/router-harness';
import { ManualClock, chatBody, rejectionOf, routeRequest, startRouter } from './test/router-harness';

/** A local port nothing listens on. */
async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}

describe('router: non-streaming routes against the mock LLM', () => {
  let mock: MockLlm;
  let router: RouterUnderTest | null = null;
  const at = (name: string) => `${mock.url}/e/${name}/v1`;
  const endpoint = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    provider: 'mock',
    url: at(id),
    // The specs' upstreams listen on loopback.
    allowPrivateNetwork: true,
    ...extra,
  });
  const chatApp = (endpoints: unknown[]) => [{ id: 'chat', type: 'chat', endpoints }];

  beforeAll(async () => {
    initTelemetry();
    mock = await startMockLlm({ port: 0 });
  });
  beforeEach(() => mock.control.reset());
  afterEach(async () => {
    await router?.close();
    router = null;
  });
  afterAll(() => mock.close());

  it('tries endpoints in priority order and reports the upstream model, usage and attempts', async () => {
    router = await startRouter({
      applications: chatApp([
        endpoint('second', { priority: 1 }),
        endpoint('first', { priority: 0, model: 'mock-small' }),
      ]),
      mockLlmUrl: null,
    });
    const result = await router.controller.chat(routeRequest('chat', chatBody()));

    expect(result).toMatchObject({ endpointId: 'first', provider: 'mock', model: 'mock-small' });
    expect(result.attempts).toEqual([
      { endpointId: 'first', outcome: 'ok', status: 200, durationMs: result.attempts[0].durationMs },
    ]);
    // The upstream's JSON text, relayed as it came (the gateway sends it without re-serialising it).
    expect(typeof result.body).toBe('string');
    const body = routeResultBody(result.body);
    expect(body).toMatchObject({ object: 'chat.completion', model: 'mock-small' });
    expect(result.usage).toEqual(body.usage);
    expect(result.usage?.completion_tokens).toBeGreaterThan(0);
    expect(mock.control.requests('first')[0].body).toMatchObject({ model: 'mock-small' });
    expect(mock.control.requests('second')).toHaveLength(0);
  });

  it('calls the built-in mock (mockLlmUrl) for a mock endpoint without url', async () => {
    router = await startRouter({
      applications: chatApp([{ id: 'builtin', provider: 'mock' }]),
      mockLlmUrl: mock.url,
    });
    await router.controller.chat(routeRequest('chat', chatBody()));
    expect(mock.control.requests('default')).toMatchObject([{ path: '/v1/chat/completions' }]);
  });

  it('cools an endpoint down after a 429 and fails over until its retry-after passed', async () => {
    const clock = new ManualClock();
    router = await startRouter({
      applications: chatApp([endpoint('primary'), endpoint('backup')]),
      mockLlmUrl: null,
      clock,
    });
    mock.control.script('primary', [{ status: 429, retryAfter: '2' }]);

    const first = await router.controller.chat(routeRequest('chat', chatBody()));
    expect(first.endpointId).toBe('backup');
    expect(first.attempts.map((a) => [a.endpointId, a.outcome, a.status])).toEqual([
      ['primary', 'rate_limited', 429],
      ['backup', 'ok', 200],
    ]);

    clock.advance(1_999);
    const second = await router.controller.chat(routeRequest('chat', chatBody()));
    expect(second.attempts.map((a) => a.endpointId)).toEqual(['backup']);
    expect(mock.control.requests('primary')).toHaveLength(1);

    clock.advance(1);
    const third = await router.controller.chat(routeRequest('chat', chatBody()));
    expect(third.endpointId).toBe('primary');
  });

  it('answers 429 with the smallest remaining retry-after when every endpoint is busy', async () => {
    const clock = new ManualClock();
    router = await startRouter({
      applications: chatApp([endpoint('a'), endpoint('b'), endpoint('c')]),
      mockLlmUrl: null,
      clock,
    });
    mock.control.script('a', [{ status: 429, retryAfter: '5' }]);
    mock.control.script('b', [{ status: 429, retryAfter: '3' }]);
    mock.control.script('c', [{ status: 429 }]);

    const error = await rejectionOf(router.controller.chat(routeRequest('chat', chatBody())));
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'rate_limit_exceeded', status: 429, retryAfterMs: 3_000 });
    expect((error as GatewayError).message).toBe(
      'all endpoints are rate limited: a: HTTP 429 (retry in 5000 ms); b: HTTP 429 (retry in 3000 ms); c: HTTP 429 (retry in 10000 ms)',
    );

    clock.advance(1_000);
    const again = await rejectionOf(router.controller.chat(routeRequest('chat', chatBody())));
    expect(again).toMatchObject({ code: 'rate_limit_exceeded', retryAfterMs: 2_000 });
    expect(mock.control.requests()).toHaveLength(3);
  });

  it('fails over on a 5xx and on our key being refused (401)', async () => {
    router = await startRouter({
      applications: chatApp([endpoint('a'), endpoint('b'), endpoint('c')]),
      mockLlmUrl: null,
    });
    mock.control.script('a', [{ status: 500 }]);
    mock.control.script('b', [{ status: 401 }]);
    const result = await router.controller.chat(routeRequest('chat', chatBody()));
    expect(result.endpointId).toBe('c');
    expect(result.attempts.map((a) => [a.outcome, a.status])).toEqual([
      ['server_error', 500],
      ['server_error', 401],
      ['ok', 200],
    ]);
  });

  it('gives up on an endpoint that hangs past its timeout, and tries the next', async () => {
    router = await startRouter({
      applications: chatApp([endpoint('slow', { timeoutMs: 150 }), endpoint('backup')]),
      mockLlmUrl: null,
    });
    mock.control.script('slow', [{ hang: true }]);
    const result = await router.controller.chat(routeRequest('chat', chatBody()));
    expect(result.endpointId).toBe('backup');
    expect(result.attempts[0]).toMatchObject({ endpointId: 'slow', outcome: 'timeout', status: null });
    await mock.control.waitFor((requests) => requests.some((r) => r.instance === 'slow' && r.aborted));
  });

  it('answers 502 naming each endpoint and why when all fail, without URLs', async () => {
    const refused = await refusedUrl();
    router = await startRouter({
      applications: chatApp([
        endpoint('primary'),
        { id: 'backup', provider: 'openai-compatible', url: refused, allowPrivateNetwork: true },
      ]),
      mockLlmUrl: null,
    });
    mock.control.script('primary', [{ status: 500 }]);
    const error = await rejectionOf(router.controller.chat(routeRequest('chat', chatBody())));
    expect(error).toMatchObject({
      code: 'upstream_error',
      status: 502,
      message: 'all endpoints failed: primary: HTTP 500; backup: connection refused',
    });
  });

  describe('server-side request forgery', () => {
    const port = () => new URL(mock.url).port;

    it.each([
      ['an IP literal', () => `http://127.0.0.1:${port()}/e/literal/v1`],
      ['a name resolving to loopback', () => `http://localhost:${port()}/e/named/v1`],
      ['an IPv4-mapped IPv6 literal', () => `http://[::ffff:127.0.0.1]:${port()}/e/mapped/v1`],
    ])('refuses %s unless the endpoint allows private networks', async (_case, url) => {
      router = await startRouter({
        applications: chatApp([{ id: 'internal', provider: 'openai-compatible', url: url() }]),
        mockLlmUrl: null,
      });
      const error = await rejectionOf(router.controller.chat(routeRequest('chat', chatBody())));
      expect(error).toMatchObject({
        status: 502,
        message:
          'all endpoints failed: internal: refused: the endpoint is on a private, loopback or link-local address (allowPrivateNetwork is off)',
      });
      expect(mock.control.requests()).toHaveLength(0);
    });

    it('does not follow a redirect, to the cloud metadata address or anywhere', async () => {
      router = await startRouter({
        applications: chatApp([endpoint('moved'), endpoint('backup')]),
        mockLlmUrl: null,
      });
      mock.control.script('moved', [
        { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } },
      ]);
      const result = await router.controller.chat(routeRequest('chat', chatBody()));
      expect(result.endpointId).toBe('backup');
      expect(result.attempts[0]).toMatchObject({ endpointId: 'moved', outcome: 'server_error', status: 302 });
      expect(mock.control.requests().map((r) => r.instance)).toEqual(['moved', 'backup']);
    });
  });

  it('answers 504 when every endpoint timed out', async () => {
    router = await startRouter({
      applications: chatApp([endpoint('a', { timeoutMs: 100 }), endpoint('b', { timeoutMs: 100 })]),
      mockLlmUrl: null,
    });
    mock.control.script('a', [{ hang: true }]);
    mock.control.script('b', [{ hang: true }]);
    const error = await rejectionOf(router.controller.chat(routeRequest('chat', chatBody())));
    expect(error).toMatchObject({
      code: 'upstream_timeout',
      status: 504,
      message: 'all endpoints failed: a: timed out after 100 ms; b: timed out after 100 ms',
    });
  });

  it("passes the client's mistake through without trying another endpoint", async () => {
    router = await startRouter({ applications: chatApp([endpoint('a'), endpoint('b')]), mockLlmUrl: null });
    const error = await rejectionOf(
      router.controller.chat(routeRequest('chat', { model: 'm', messages: [] })),
    );
    expect(error).toMatchObject({
      code: 'upstream_bad_request',
      status: 400,
      message: "'messages' must be a non-empty array.",
      param: 'messages',
    });
    expect(mock.control.requests('b')).toHaveLength(0);
  });

  it('asks floats upstream and returns base64 the SDK decodes to the same vector', async () => {
    router = await startRouter({
      applications: [{ id: 'embed', type: 'embeddings', endpoints: [endpoint('emb')] }],
      mockLlmUrl: null,
    });
    const body = { model: 'text-embedding-3-small', input: ['a cat', 'a dog'], dimensions: 8 };
    const asBase64 = await router.controller.embeddings(
      routeRequest('embed', { ...body, encoding_format: 'base64' }),
    );
    const asFloat = await router.controller.embeddings(routeRequest('embed', body));

    expect(
      mock.control.requests('emb').map((r) => (r.body as { encoding_format: string }).encoding_format),
    ).toEqual(['float', 'float']);
    // Re-encoded for the client's encoding_format: an object, not the upstream's text.
    expect(typeof asBase64.body).toBe('object');
    const floats = (routeResultBody(asFloat.body).data as { embedding: number[] }[]).map((d) => d.embedding);
    const decoded = (routeResultBody(asBase64.body).data as { embedding: string }[]).map((d) => {
      const bytes = Buffer.from(d.embedding, 'base64');
      return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    });
    expect(decoded).toEqual(floats);
    expect(asBase64.usage).toMatchObject({ completion_tokens: 0 });
  });

  it('calls Azure OpenAI with the deployment path, api-version and api-key header', async () => {
    router = await startRouter({
      applications: chatApp([
        {
          id: 'azure',
          provider: 'azure-openai',
          url: `${mock.url}/e/az`,
          deployment: 'gpt-4o-prod',
          apiKeyEnv: 'AZURE_KEY',
          allowPrivateNetwork: true,
        },
      ]),
      mockLlmUrl: null,
      env: { AZURE_KEY: 'azure-secret' },
    });
    const result = await router.controller.chat(routeRequest('chat', chatBody()));
    expect(result).toMatchObject({ provider: 'azure-openai', model: 'gpt-4o-prod' });
    const [seen] = mock.control.requests('az');
    expect(seen.url).toBe('/e/az/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21');
    expect(seen.headers['api-key']).toBe('azure-secret');
    expect(seen.headers.authorization).toBeUndefined();
  });

  it('sends the bearer key and the active trace context upstream, and nothing of the client', async () => {
    router = await startRouter({
      applications: chatApp([endpoint('a', { provider: 'openai-compatible', apiKeyEnv: 'PROVIDER_KEY' })]),
      mockLlmUrl: null,
      env: { PROVIDER_KEY: 'sk-provider' },
    });
    const span = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };
    const controller = router.controller;
    await context.with(trace.setSpanContext(ROOT_CONTEXT, span), () =>
      controller.chat(routeRequest('chat', chatBody())),
    );
    const [seen] = mock.control.requests('a');
    expect(seen.headers.traceparent).toBe(`00-${span.traceId}-${span.spanId}-01`);
    expect(seen.headers.authorization).toBe('Bearer sk-provider');
    expect(Object.keys(seen.headers).sort()).toEqual(
      [
        'accept',
        'authorization',
        'connection',
        'content-length',
        'content-type',
        'host',
        'traceparent',
      ].sort(),
    );
  });

  it.each([
    ['an invalid payload', 'chat', { applicationId: 'chat' }, 'invalid_request'],
    ['an unknown application', 'chat', routeRequest('nope', chatBody()), 'model_not_found'],
    [
      'an application of another type',
      'embeddings',
      routeRequest('chat', { model: 'e', input: 'x' }),
      'invalid_request',
    ],
  ] as const)('rejects %s', async (_name, handler, payload, code) => {
    router = await startRouter({ applications: chatApp([endpoint('a')]), mockLlmUrl: null });
    await expect(router.controller[handler](payload)).rejects.toMatchObject({ code });
    expect(mock.control.requests()).toHaveLength(0);
  });
});
