import { resolveConfig } from '@aigw/config';
import { GatewayError } from '@aigw/contracts';
import type { MockLlm } from '@aigw/mock-llm';
import { startMockLlm } from '@aigw/mock-llm';
import { RouteTable } from './routing/route-table.service';
import type { RouterUnderTest } from './test/router-harness';
import {
  ManualClock,
  chatBody,
  collect,
  rejectionOf,
  routeRequest,
  startRouter,
} from './test/router-harness';

describe('router: configuration changes applied live', () => {
  let mock: MockLlm;
  let router: RouterUnderTest | null = null;
  let clock: ManualClock;
  let revision = 0;
  const endpoint = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    provider: 'mock',
    url: `${mock.url}/e/${id}/v1`,
    ...extra,
  });
  const chatApp = (id: string, endpoints: unknown[], extra: Record<string, unknown> = {}) => ({
    id,
    type: 'chat',
    endpoints,
    ...extra,
  });
  /** Installs a new revision of the configuration, as `ConfigSync` does on a broadcast. */
  const change = (applications: unknown[], config: Record<string, unknown> = {}) => {
    revision += 1;
    router!.live.offer({
      revision,
      config: resolveConfig(
        { auth: { required: false }, server: { streamIdleTimeoutMs: 5_000 }, applications, ...config },
        {},
      ),
    });
  };
  const chat = (app: string, consumer: string | null = null) =>
    router!.controller.chat(routeRequest(app, chatBody(), consumer));

  beforeAll(async () => {
    mock = await startMockLlm({ port: 0 });
  });
  beforeEach(() => {
    mock.control.reset();
    clock = new ManualClock();
  });
  afterEach(async () => {
    await router?.close();
    router = null;
  });
  afterAll(() => mock.close());

  it('serves an added application, stops serving a removed one', async () => {
    router = await startRouter({ applications: [chatApp('old', [endpoint('a')])], mockLlmUrl: null, clock });
    change([chatApp('new', [endpoint('b')])]);
    expect((await chat('new')).endpointId).toBe('b');
    const error = await rejectionOf(chat('old'));
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'model_not_found' });
  });

  it('keeps the cool-down of an unchanged endpoint, and the routes of an unchanged application', async () => {
    const apps = [
      chatApp('chat', [endpoint('primary'), endpoint('backup')]),
      chatApp('other', [endpoint('x')]),
    ];
    router = await startRouter({ applications: apps, mockLlmUrl: null, clock });
    const table = router.get(RouteTable);
    const otherPlan = table.plan('other', 'chat');
    mock.control.script('primary', [{ status: 429, retryAfter: '30' }]);
    expect((await chat('chat')).endpointId).toBe('backup');

    // A change elsewhere in the application (a third endpoint), and one in another application.
    change([
      chatApp('chat', [endpoint('primary'), endpoint('backup'), endpoint('third')]),
      chatApp('other', [endpoint('x')]),
    ]);
    const after = await chat('chat');
    expect(after.attempts.map((a) => a.endpointId)).toEqual(['backup']);
    expect(mock.control.requests('primary')).toHaveLength(1);
    expect(table.plan('other', 'chat')).toBe(otherPlan);

    clock.advance(30_000);
    expect((await chat('chat')).endpointId).toBe('primary');
  });

  it('keeps the rate-limit counts across a change; a new limit applies to them', async () => {
    const limited = (requests: number) => [
      chatApp('chat', [endpoint('main')], { rateLimits: { limits: [{ requests, window: 60 }] } }),
    ];
    router = await startRouter({ applications: limited(3), mockLlmUrl: null, clock });
    await chat('chat');
    await chat('chat');
    change(limited(3), { persistPrompts: true }); // an unrelated change
    await chat('chat');
    expect(await rejectionOf(chat('chat'))).toMatchObject({ code: 'rate_limit_exceeded' });
    change(limited(4));
    await chat('chat');
    expect(await rejectionOf(chat('chat'))).toMatchObject({ code: 'rate_limit_exceeded' });
    expect(mock.control.requests('main')).toHaveLength(4);
  });

  it('finishes a stream on the endpoint it started on when the application changes under it', async () => {
    router = await startRouter({
      applications: [chatApp('chat', [endpoint('before')])],
      mockLlmUrl: null,
      clock,
    });
    mock.control.script('before', [{ chunks: 10, chunkDelayMs: 20 }]);
    const outcome = collect(router.controller.chatStream(routeRequest('chat', chatBody({ stream: true }))));
    await mock.control.waitFor((requests) => requests.some((r) => r.instance === 'before'));
    change([chatApp('chat', [endpoint('after')])]);
    const { events, error } = await outcome;
    expect(error).toBeNull();
    expect(events[0]).toMatchObject({ kind: 'start', endpointId: 'before' });
    expect(events.flatMap((e) => (e.kind === 'chunks' ? e.data : [])).length).toBeGreaterThanOrEqual(10);
    expect(events.at(-1)?.kind).toBe('end');
    expect(mock.control.requests('before')[0]?.aborted).toBe(false);
    expect((await chat('chat')).endpointId).toBe('after');
  });

  it('keeps the routes an application had when its new ones cannot be built; the rest of the change applies', async () => {
    router = await startRouter({ applications: [chatApp('chat', [endpoint('a')])], mockLlmUrl: null, clock });
    // A built-in mock endpoint while no built-in mock runs: its adapter cannot be made.
    change([chatApp('chat', [{ id: 'builtin', provider: 'mock' }]), chatApp('added', [endpoint('b')])]);
    expect((await chat('chat')).endpointId).toBe('a');
    expect((await chat('added')).endpointId).toBe('b');
  });

  it('ignores a revision older than the one it serves', async () => {
    router = await startRouter({ applications: [chatApp('chat', [endpoint('a')])], mockLlmUrl: null, clock });
    change([chatApp('chat', [endpoint('b')])]);
    const stale = router.live.offer({
      revision: revision - 1,
      config: resolveConfig(
        { auth: { required: false }, applications: [chatApp('chat', [endpoint('c')])] },
        {},
      ),
    });
    expect(stale).toBe(false);
    expect((await chat('chat')).endpointId).toBe('b');
  });
});
