import { GatewayError } from '@aigw/contracts';
import type { RouterStreamEvent } from '@aigw/contracts';
import type { MockLlm } from '@aigw/mock-llm';
import { startMockLlm } from '@aigw/mock-llm';
import type { RouterUnderTest } from './test/router-harness';
import { chatBody, collect, routeRequest, startRouter } from './test/router-harness';

describe('router: streaming routes against the mock LLM', () => {
  let mock: MockLlm;
  let router: RouterUnderTest | null = null;
  const endpoint = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    provider: 'mock',
    url: `${mock.url}/e/${id}/v1`,
    ...extra,
  });
  const start = (endpoints: unknown[], streamIdleTimeoutMs?: number) =>
    startRouter({
      applications: [
        { id: 'chat', type: 'chat', endpoints },
        { id: 'text', type: 'completions', endpoints },
      ],
      mockLlmUrl: null,
      ...(streamIdleTimeoutMs ? { streamIdleTimeoutMs } : {}),
    });
  const chunks = (events: readonly RouterStreamEvent[]) =>
    events.flatMap((e) =>
      e.kind === 'chunks' ? e.data.map((d) => JSON.parse(d) as Record<string, unknown>) : [],
    );

  beforeAll(async () => {
    mock = await startMockLlm({ port: 0 });
  });
  beforeEach(() => mock.control.reset());
  afterEach(async () => {
    await router?.close();
    router = null;
  });
  afterAll(() => mock.close());

  it('emits start, then every chunk in order, then completes', async () => {
    router = await start([endpoint('a', { model: 'mock-stream' })]);
    const { events, error } = await collect(
      router.controller.chatStream(
        routeRequest('chat', chatBody({ stream_options: { include_usage: true } })),
      ),
    );

    expect(error).toBeNull();
    expect(events[0]).toEqual({
      kind: 'start',
      endpointId: 'a',
      provider: 'mock',
      model: 'mock-stream',
      retries: 0,
    });
    expect(events.slice(1, -1).every((e) => e.kind === 'chunks')).toBe(true);
    const content = chunks(events)
      .map((c) => (c.choices as { delta?: { content?: string } }[])[0]?.delta?.content ?? '')
      .join('');
    expect(content).toBe('Mock reply to: hello there mock');
    const last = chunks(events).at(-1);
    expect(last?.choices).toEqual([]);
    expect(last).toHaveProperty('usage.total_tokens');
    // The router reports the usage the upstream streamed, for metrics, in its closing event.
    expect(events.at(-1)).toEqual({ kind: 'end', usage: last?.usage });
    expect(mock.control.requests('a')[0].body).toMatchObject({ model: 'mock-stream', stream: true });
  });

  it('passes chunk text through byte for byte, the chunks of one upstream read in one message', async () => {
    router = await start([endpoint('a')]);
    const odd = [
      '{ "id" : "x",  "choices":[{"delta":{"content":"é"}}] }',
      '{"id":"x","choices":[ ],"extra":1.50}',
    ];
    mock.control.script('a', [
      { body: `: hi\r\ndata: ${odd[0]}\r\n\r\ndata: ${odd[1]}\n\ndata: [DONE]\n\n` },
    ]);
    const { events, error } = await collect(router.controller.chatStream(routeRequest('chat', chatBody())));
    expect(error).toBeNull();
    expect(events.slice(1)).toEqual([
      { kind: 'chunks', data: odd },
      { kind: 'end', usage: null },
    ]);
  });

  it('streams text completions too', async () => {
    router = await start([endpoint('a')]);
    const { events, error } = await collect(
      router.controller.completionsStream(routeRequest('text', { model: 'm', prompt: 'say hi' })),
    );
    expect(error).toBeNull();
    expect(events[0]).toMatchObject({ kind: 'start', endpointId: 'a' });
    expect(chunks(events)[0]).toMatchObject({ object: 'text_completion' });
    expect(mock.control.requests('a')[0].path).toBe('/e/a/v1/completions');
  });

  it('fails over before the stream starts', async () => {
    router = await start([endpoint('a'), endpoint('b'), endpoint('c')]);
    mock.control.script('a', [{ status: 503 }]);
    mock.control.script('b', [{ status: 429, retryAfter: '1' }]);
    const { events, error } = await collect(router.controller.chatStream(routeRequest('chat', chatBody())));
    expect(error).toBeNull();
    expect(events[0]).toMatchObject({ kind: 'start', endpointId: 'c', retries: 2 });
  });

  it('errors with every endpoint listed when none starts', async () => {
    router = await start([endpoint('a'), endpoint('b')]);
    mock.control.script('a', [{ status: 500 }]);
    mock.control.script('b', [{ status: 502 }]);
    const { events, error } = await collect(router.controller.chatStream(routeRequest('chat', chatBody())));
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({
      code: 'upstream_error',
      message: 'all endpoints failed: a: HTTP 500; b: HTTP 502',
    });
  });

  it.each([
    ['a cut after start', { cutAfterChunks: 2 }, 2, 'endpoint a: the upstream cut the stream'],
    [
      'a malformed chunk',
      { malformedChunkAt: 1 },
      1,
      'endpoint a: the upstream sent a malformed stream chunk',
    ],
  ])('errors the stream on %s, without failing over', async (_name, behaviour, chunkCount, message) => {
    router = await start([endpoint('a'), endpoint('b')]);
    mock.control.script('a', [behaviour]);
    const { events, error } = await collect(router.controller.chatStream(routeRequest('chat', chatBody())));
    expect(events[0]).toMatchObject({ kind: 'start', endpointId: 'a' });
    expect(chunks(events)).toHaveLength(chunkCount);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'upstream_error' });
    expect((error as GatewayError).message).toContain(message);
    expect(mock.control.requests('b')).toHaveLength(0);
  });

  it('errors with upstream_timeout and aborts the upstream when it goes quiet too long', async () => {
    router = await start([endpoint('a')], 100);
    mock.control.script('a', [{ chunkDelayMs: 2_000 }]);
    const { events, error } = await collect(router.controller.chatStream(routeRequest('chat', chatBody())));
    expect(events.map((e) => e.kind)).toEqual(['start', 'chunks']);
    expect(error).toMatchObject({ code: 'upstream_timeout', message: 'endpoint a sent nothing for 100 ms' });
    await mock.control.waitFor((requests) => requests.some((r) => r.instance === 'a' && r.aborted));
  });

  it('aborts the upstream request when the subscriber unsubscribes mid-stream', async () => {
    router = await start([endpoint('a')]);
    mock.control.script('a', [{ chunkDelayMs: 50, chunks: 200 }]);
    const stream = router.controller.chatStream(routeRequest('chat', chatBody()));
    let seenChunk: () => void = () => undefined;
    const firstChunk = new Promise<void>((resolve) => (seenChunk = resolve));
    const subscription = stream.subscribe({ next: (event) => event.kind === 'chunks' && seenChunk() });
    await firstChunk;
    subscription.unsubscribe();

    const [request] = await mock.control.waitFor((requests) =>
      requests.some((r) => r.instance === 'a' && r.aborted),
    );
    expect(request.aborted).toBe(true);
  });

  it('aborts a request still failing over when the subscriber goes away', async () => {
    router = await start([endpoint('a')]);
    mock.control.script('a', [{ hang: true }]);
    const subscription = router.controller.chatStream(routeRequest('chat', chatBody())).subscribe();
    await mock.control.waitFor((requests) => requests.some((r) => r.instance === 'a'));
    subscription.unsubscribe();
    await mock.control.waitFor((requests) => requests.some((r) => r.instance === 'a' && r.aborted));
  });
});
