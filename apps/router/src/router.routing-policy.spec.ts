import { GatewayError } from '@aigw/contracts';
import type { RouteRequest } from '@aigw/contracts';
import type { MockLlm } from '@aigw/mock-llm';
import { startMockLlm } from '@aigw/mock-llm';
import type { RouterUnderTest } from './test/router-harness';
import {
  ManualClock,
  chatBody,
  collect,
  rejectionOf,
  routeRequest,
  startRouter,
} from './test/router-harness';
import type { RoutingStateStore } from './shared-state/routing-state.store';
import { ROUTING_STATE_STORE } from './shared-state/routing-state.store';

/** Routing policies end to end through the router, against the mock LLM. */
describe('router: routing policies against the mock LLM', () => {
  let mock: MockLlm;
  let router: RouterUnderTest | null = null;
  const endpoint = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    provider: 'mock',
    url: `${mock.url}/e/${id}/v1`,
    ...extra,
  });
  const start = async (
    endpoints: unknown[],
    routing?: unknown,
    extra: { clock?: ManualClock; models?: string[] } = {},
  ) => {
    router = await startRouter({
      applications: [
        { id: 'chat', type: 'chat', models: extra.models ?? [], endpoints, ...(routing ? { routing } : {}) },
      ],
      mockLlmUrl: null,
      ...(extra.clock ? { clock: extra.clock } : {}),
    });
    return router;
  };
  const chat = (r: RouterUnderTest, request: Partial<RouteRequest> = {}) =>
    r.controller.chat({ ...routeRequest('chat', chatBody()), ...request });
  const served = async (r: RouterUnderTest, n: number, request: Partial<RouteRequest> = {}) => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i += 1) {
      const { endpointId } = await chat(r, request);
      counts[endpointId] = (counts[endpointId] ?? 0) + 1;
    }
    return counts;
  };
  const tried = (result: { attempts: { endpointId: string }[] }) => result.attempts.map((a) => a.endpointId);

  beforeAll(async () => {
    mock = await startMockLlm({ port: 0 });
  });
  beforeEach(() => mock.control.reset());
  afterEach(async () => {
    await router?.close();
    router = null;
  });
  afterAll(() => mock.close());

  it('weighted: 8:2 inside a tier, the lower tier only as a fallback', async () => {
    const r = await start(
      [endpoint('big', { weight: 8 }), endpoint('small', { weight: 2 }), endpoint('spare', { priority: 1 })],
      { strategy: 'weighted' },
    );
    expect(await served(r, 100)).toEqual({ big: 80, small: 20 });
    mock.control.setDefault('big', { status: 500 });
    mock.control.setDefault('small', { status: 500 });
    expect((await chat(r)).endpointId).toBe('spare');
  });

  it('consistent-hash: the same key sticks to one endpoint, keys spread over all', async () => {
    const r = await start([endpoint('a'), endpoint('b'), endpoint('c')], {
      strategy: 'consistent-hash',
      hashOn: { type: 'header', key: 'x-user-id' },
    });
    const stuck = await served(r, 10, { hashKey: 'alice' });
    expect(Object.values(stuck)).toEqual([10]);
    const spread = new Set<string>();
    for (let i = 0; i < 30; i += 1) spread.add((await chat(r, { hashKey: `user-${i}` })).endpointId);
    expect([...spread].sort()).toEqual(['a', 'b', 'c']);
  });

  it('model-based: the requested model’s backends in turn, the entry’s model sent, a 429 suspends that model', async () => {
    const clock = new ManualClock();
    const r = await start(
      [endpoint('backend-1'), endpoint('backend-2')],
      {
        strategy: 'model-based',
        modelBasedRoundRobin: {
          onQuotaExceedSuspendDuration: 60,
          productionModels: {
            'gpt-4o': [
              { endpoint: 'backend-1', model: 'gpt-4o' },
              { endpoint: 'backend-2', model: 'gpt-4o-2024-08-06' },
            ],
          },
          sandboxModels: { 'gpt-4o': [{ endpoint: 'backend-2', model: 'gpt-4o-mini' }] },
        },
      },
      { clock, models: ['gpt-4o'] },
    );
    const body = chatBody({ model: 'gpt-4o' });
    const results = [await chat(r, { body }), await chat(r, { body })];
    expect(results.map((x) => [x.endpointId, x.model])).toEqual([
      ['backend-1', 'gpt-4o'],
      ['backend-2', 'gpt-4o-2024-08-06'],
    ]);
    const sandbox = await chat(r, { body, environment: 'sandbox' });
    expect([sandbox.endpointId, sandbox.model]).toEqual(['backend-2', 'gpt-4o-mini']);

    mock.control.script('backend-1', [{ status: 429, retryAfter: '1' }]);
    expect(tried(await chat(r, { body }))).toEqual(['backend-1', 'backend-2']);
    clock.advance(59_000);
    for (let i = 0; i < 3; i += 1) expect(tried(await chat(r, { body }))).toEqual(['backend-2']);
    clock.advance(1_000);
    expect(await served(r, 2, { body })).toEqual({ 'backend-1': 1, 'backend-2': 1 });
  });

  it('least-in-flight: a long stream keeps its endpoint busy, the next request goes elsewhere', async () => {
    const r = await start([endpoint('a'), endpoint('b')], { strategy: 'least-in-flight' });
    mock.control.script('a', [{ chunks: 3, chunkDelayMs: 200 }]);
    const stream = collect(r.controller.chatStream(routeRequest('chat', chatBody({ stream: true }))));
    await mock.control.waitFor((requests) => requests.some((x) => x.instance === 'a'));
    expect((await chat(r)).endpointId).toBe('b');
    expect((await stream).error).toBeNull();
    expect((await chat(r)).endpointId).toBe('a');
  });

  it.each([
    ['a 5xx', { status: 500 }, 'upstream_error', 502],
    ['a timeout', { hang: true }, 'upstream_timeout', 504],
  ])('fallbackStrategy [http_429]: %s ends the walk', async (_name, behaviour, code, status) => {
    const r = await start([endpoint('primary', { timeoutMs: 200 }), endpoint('backup')], {
      fallbackStrategy: ['http_429'],
    });
    mock.control.script('primary', [behaviour]);
    const error = await rejectionOf(chat(r));
    expect(error).toMatchObject({ code, status });
    expect(mock.control.requests('backup')).toHaveLength(0);
    mock.control.script('primary', [{ status: 429 }]);
    expect((await chat(r)).endpointId).toBe('backup');
  });

  it.each([
    ['passes an endpoint out of quota over with rate_limiting (the default)', undefined, 'backup'],
    [
      'answers 429 for an endpoint out of quota without rate_limiting',
      { fallbackStrategy: ['http_429', 'http_5xx'] },
      null,
    ],
  ])('%s', async (_name, routing, second) => {
    const r = await start([endpoint('primary', { rpm: 1 }), endpoint('backup')], routing);
    expect((await chat(r)).endpointId).toBe('primary');
    if (second !== null) expect((await chat(r)).endpointId).toBe(second);
    else {
      const error = await rejectionOf(chat(r));
      expect(error).toMatchObject({ code: 'rate_limit_exceeded', status: 429 });
      expect((error as GatewayError).message).toContain('primary: its quota is used up');
      expect(mock.control.requests('backup')).toHaveLength(0);
    }
  });

  it('maxAttempts bounds the walk and names what was not tried', async () => {
    const r = await start([endpoint('a'), endpoint('b'), endpoint('c')], { retries: { maxAttempts: 2 } });
    mock.control.setDefault('a', { status: 500 });
    mock.control.setDefault('b', { status: 503 });
    const error = await rejectionOf(chat(r));
    expect(error).toMatchObject({
      code: 'upstream_error',
      message: 'all endpoints failed: a: HTTP 500; b: HTTP 503; c: not tried (attempt limit reached)',
    });
    expect(mock.control.requests('c')).toHaveLength(0);
  });

  it('the retry budget keeps an outage from multiplying traffic: at most 1.2 upstream calls per request', async () => {
    const r = await start([endpoint('a'), endpoint('b'), endpoint('c')], {
      retries: { budgetRatio: 0.2, budgetMinRetriesPerSecond: 0 },
      circuitBreaker: { failureThreshold: 0 },
    });
    for (const id of ['a', 'b', 'c']) mock.control.setDefault(id, { status: 500 });
    const errors = [];
    for (let i = 0; i < 50; i += 1) errors.push(await rejectionOf(chat(r)));
    expect(errors.every((e) => e instanceof GatewayError && e.status === 502)).toBe(true);
    expect(mock.control.requests().length).toBeLessThanOrEqual(60);
    expect(mock.control.requests().length).toBeGreaterThanOrEqual(50);
    expect(String((errors.at(-1) as GatewayError).message)).toContain('not tried (retry budget exhausted)');
  });

  it('circuit breaker: opens after N failures, lets one probe through after openMs, closes on success', async () => {
    const clock = new ManualClock();
    const r = await start(
      [endpoint('primary'), endpoint('backup')],
      { circuitBreaker: { failureThreshold: 2, openMs: 5_000 } },
      { clock },
    );
    mock.control.setDefault('primary', { status: 500 });
    expect(tried(await chat(r))).toEqual(['primary', 'backup']);
    expect(tried(await chat(r))).toEqual(['primary', 'backup']);
    expect(tried(await chat(r))).toEqual(['backup']);
    clock.advance(4_999);
    expect(tried(await chat(r))).toEqual(['backup']);
    clock.advance(1);
    expect(tried(await chat(r))).toEqual(['primary', 'backup']); // the probe fails: open again
    expect(tried(await chat(r))).toEqual(['backup']);
    clock.advance(5_000);
    mock.control.setDefault('primary', null);
    expect(tried(await chat(r))).toEqual(['primary']);
    expect(tried(await chat(r))).toEqual(['primary']);
    expect(mock.control.requests('primary')).toHaveLength(5);
  });

  it('answers 503 with the soonest retry when every breaker is open', async () => {
    const clock = new ManualClock();
    const r = await start(
      [endpoint('a'), endpoint('b')],
      { circuitBreaker: { failureThreshold: 1, openMs: 3_000 } },
      { clock },
    );
    mock.control.setDefault('a', { status: 500 });
    mock.control.setDefault('b', { status: 502 });
    await rejectionOf(chat(r));
    clock.advance(1_000);
    const error = await rejectionOf(chat(r));
    expect(error).toMatchObject({
      code: 'service_unavailable',
      status: 503,
      retryAfterMs: 2_000,
      message:
        'no endpoint is available: a: circuit open (retry in 2000 ms); b: circuit open (retry in 2000 ms)',
    });
  });

  describe('active health checks', () => {
    const checks = {
      active: {
        path: '/models',
        timeout: 0.5,
        healthy: { interval: 0.05, successes: 2 },
        unhealthy: { interval: 0.05, httpFailures: 2 },
      },
    };
    const health = (r: RouterUnderTest, id: string) =>
      r.get<RoutingStateStore>(ROUTING_STATE_STORE).holdLeftMs(`unhealthy:chat/${id}`) === null
        ? 'healthy'
        : 'unhealthy';
    const poll = async (check: () => boolean, what: string) => {
      const deadline = Date.now() + 5_000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`${what} not within 5 s`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };

    it('skips an endpoint its probes found unhealthy, and takes it back once they succeed again', async () => {
      const r = await start([endpoint('primary', { checks }), endpoint('backup', { checks })]);
      mock.control.setDefault('primary', { status: 503 });
      await poll(() => health(r, 'primary') === 'unhealthy', 'primary unhealthy');
      const probes = mock.control.requests('primary');
      expect(probes.length).toBeGreaterThanOrEqual(2);
      expect(probes.every((p) => p.method === 'GET' && p.path === '/e/primary/v1/models')).toBe(true);
      expect(tried(await chat(r))).toEqual(['backup']);
      expect(mock.control.requests('primary').every((p) => p.method === 'GET')).toBe(true);

      mock.control.setDefault('primary', null);
      await poll(() => health(r, 'primary') === 'healthy', 'primary healthy');
      expect(tried(await chat(r))).toEqual(['primary']);
    });

    it('still tries the endpoints when every one is unhealthy, rather than fail blind', async () => {
      // The probe path does not exist (404, an unhealthy status), while chat requests are answered.
      const missing = { active: { ...checks.active, path: '/no-such-probe' } };
      const r = await start([endpoint('a', { checks: missing }), endpoint('b', { checks: missing })]);
      await poll(() => health(r, 'a') === 'unhealthy' && health(r, 'b') === 'unhealthy', 'both unhealthy');
      const result = await chat(r);
      expect(result.endpointId).toBe('a');
      mock.control.setDefault('a', { status: 500 });
      const second = await chat(r);
      expect([second.endpointId, tried(second)]).toEqual(['b', ['a', 'b']]);
      expect(health(r, 'a')).toBe('unhealthy');
    });
  });
});
