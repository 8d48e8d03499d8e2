import type { RouterState } from '@aigw/contracts';
import type { MockLlm } from '@aigw/mock-llm';
import { startMockLlm } from '@aigw/mock-llm';
import type { RouterUnderTest } from '../test/router-harness';
import { ManualClock, chatBody, rejectionOf, routeRequest, startRouter } from '../test/router-harness';

/** `router.v1.state` through the router's controller, the state made by real traffic to the mock LLM. */
describe('router: the state of endpoints and limits (router.v1.state)', () => {
  let mock: MockLlm;
  let router: RouterUnderTest;
  const clock = new ManualClock(Date.parse('2026-03-01T10:00:10Z'));
  const endpoint = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    provider: 'mock',
    url: `${mock.url}/e/${id}/v1`,
    ...extra,
  });
  const probes = (path: string) => ({
    active: {
      path,
      timeout: 0.5,
      healthy: { interval: 0.05 },
      unhealthy: { interval: 0.05, httpFailures: 1 },
    },
  });
  const chat = (app: string) => router.controller.chat(routeRequest(app, chatBody({ max_tokens: 10 })));
  const state = (applicationIds: string[] | null = null): Promise<RouterState> =>
    router.controller.state({ applicationIds });
  const app = (s: RouterState, id: string) => s.applications.find((a) => a.applicationId === id);
  const endpointOf = (s: RouterState, appId: string, id: string) =>
    app(s, appId)?.endpoints.find((e) => e.endpointId === id);

  beforeAll(async () => {
    mock = await startMockLlm({ port: 0 });
    router = await startRouter({
      applications: [
        {
          id: 'chat',
          type: 'chat',
          routing: { circuitBreaker: { failureThreshold: 2, openMs: 30_000 } },
          rateLimits: { limits: [{ requests: 100, window: 'minute' }] },
          endpoints: [
            endpoint('flaky'),
            endpoint('steady', { rpm: 50, rateLimits: [{ tokens: 10_000, window: 'hour' }] }),
            endpoint('throttled', { priority: 5 }),
          ],
        },
        { id: 'other', type: 'chat', routing: { strategy: 'weighted' }, endpoints: [endpoint('solo')] },
        {
          id: 'checked',
          type: 'chat',
          endpoints: [
            endpoint('fine', { checks: probes('/models') }),
            endpoint('gone', { checks: probes('/nope') }),
          ],
        },
      ],
      mockLlmUrl: null,
      clock,
    });
  });
  afterAll(async () => {
    await router.close();
    await mock.close();
  });

  it('reports every endpoint closed and unlimited-so-far before any traffic', async () => {
    const before = await state();
    expect(before).toMatchObject({ store: 'local', configVersion: router.config.version });
    expect(before.readAt).toBe('2026-03-01T10:00:10.000Z');
    expect(before.applications.map((a) => [a.applicationId, a.strategy])).toEqual([
      ['chat', 'priority'],
      ['other', 'weighted'],
      ['checked', 'priority'],
    ]);
    expect(app(before, 'chat')?.endpoints.map((e) => [e.endpointId, e.priority])).toEqual([
      ['flaky', 0],
      ['steady', 1],
      ['throttled', 5],
    ]);
    expect(endpointOf(before, 'chat', 'flaky')).toEqual({
      endpointId: 'flaky',
      provider: 'mock',
      priority: 0,
      health: 'unchecked',
      breaker: { state: 'closed', retryAfterMs: null },
      coolDownMs: 0,
      overloadedMs: 0,
      limits: [],
    });
    expect(app(before, 'chat')?.limits).toEqual([
      {
        label: 'requests per minute of application chat',
        measure: 'requests',
        limit: 100,
        used: 0,
        windowMs: 60_000,
        resetMs: 50_000,
      },
    ]);
    expect((await state(['other'])).applications.map((a) => a.applicationId)).toEqual(['other']);
  });

  it('shows the breaker the failures opened, the counters they used, and what a 429 cooled down', async () => {
    mock.control.setDefault('flaky', { status: 500 });
    expect((await chat('chat')).endpointId).toBe('steady');
    expect((await chat('chat')).endpointId).toBe('steady');
    clock.advance(1_000);

    const after = await state(['chat']);
    expect(endpointOf(after, 'chat', 'flaky')?.breaker).toEqual({ state: 'open', retryAfterMs: 29_000 });
    const steady = endpointOf(after, 'chat', 'steady');
    expect(steady?.breaker.state).toBe('closed');
    expect(steady?.limits.map((l) => [l.label, l.limit, l.used])).toEqual([
      ['requests per minute of endpoint steady', 50, 2],
      ['tokens per hour of endpoint steady', 10_000, expect.any(Number)],
    ]);
    expect(steady?.limits[1]?.used).toBeGreaterThan(0);
    expect(app(after, 'chat')?.limits[0]?.used).toBe(2);

    // Reading twice counts nothing and takes no probe.
    expect(await state(['chat'])).toEqual(after);

    clock.advance(29_000);
    expect(endpointOf(await state(['chat']), 'chat', 'flaky')?.breaker).toEqual({
      state: 'half_open',
      retryAfterMs: null,
    });
  });

  it('shows the cool-down of an endpoint that answered 429', async () => {
    mock.control.setDefault('solo', { status: 429, retryAfter: '12' });
    await rejectionOf(chat('other'));
    expect(endpointOf(await state(['other']), 'other', 'solo')).toMatchObject({
      coolDownMs: 12_000,
      breaker: { state: 'closed' },
    });
  });

  it('reports the active health checks: unhealthy while marked, healthy when checked and not marked', async () => {
    const deadline = Date.now() + 5_000;
    let health: string[] = [];
    while (Date.now() < deadline) {
      health = (app(await state(['checked']), 'checked')?.endpoints ?? []).map((e) => e.health);
      if (health[1] === 'unhealthy') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(health).toEqual(['healthy', 'unhealthy']);
  });

  it('refuses a payload without applicationIds', async () => {
    await expect(router.controller.state({})).rejects.toMatchObject({ code: 'invalid_request' });
  });
});
