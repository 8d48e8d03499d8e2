import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { MockLlm } from '@aigw/mock-llm';
import { startMockLlm } from '@aigw/mock-llm';
import { ThrowawayRedis } from '@aigw/testing';
import type { RouterUnderTest } from '../test/router-harness';
import { chatBody, routeRequest, startRouter } from '../test/router-harness';
import type { RoutingStateStore } from './routing-state.store';
import { ROUTING_STATE_STORE } from './routing-state.store';

const REDIS_URL = 'redis://127.0.0.1:6379';
/** Every key this run creates lives under this prefix, and is deleted at the end. */
const PREFIX = `aigw-test-routing-${randomUUID()}`;

async function poll(check: () => boolean, what: string, timeoutMs = 5_000): Promise<number> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return performance.now() - started;
}

jest.setTimeout(30_000);

describe('routing state shared by router replicas through Redis', () => {
  let mock: MockLlm;
  const routers: RouterUnderTest[] = [];
  const at = (name: string) => `${mock.url}/e/${name}/v1`;
  const endpoint = (id: string) => ({ id, provider: 'mock', url: at(id) });
  const app = (routing?: unknown) => [
    {
      id: 'chat',
      type: 'chat',
      endpoints: [endpoint('primary'), endpoint('backup')],
      ...(routing ? { routing } : {}),
    },
  ];
  const replica = async (options: { applications: unknown[]; prefix: string; redisUrl?: string }) => {
    const router = await startRouter({
      applications: options.applications,
      mockLlmUrl: null,
      redisUrl: options.redisUrl ?? REDIS_URL,
      redisPrefix: options.prefix,
    });
    routers.push(router);
    return router;
  };
  const store = (router: RouterUnderTest) => router.get<RoutingStateStore>(ROUTING_STATE_STORE);
  const chat = (router: RouterUnderTest) => router.controller.chat(routeRequest('chat', chatBody()));

  beforeAll(async () => {
    mock = await startMockLlm({ port: 0 });
  });
  beforeEach(() => mock.control.reset());
  afterEach(async () => {
    await Promise.all(routers.splice(0).map((r) => r.close()));
  });
  afterAll(async () => {
    await mock.close();
    const redis = new Redis(REDIS_URL);
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  });

  it('a 429 seen by one replica is honoured by the others, and by one that starts later', async () => {
    const prefix = `${PREFIX}-429`;
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => replica({ applications: app(), prefix })));
    // Every request primary gets is a 429: a replica that did not learn of the first would hit it again.
    mock.control.setDefault('primary', { status: 429, retryAfter: '30' });

    const first = await chat(a);
    expect(first.attempts.map((x) => [x.endpointId, x.outcome])).toEqual([
      ['primary', 'rate_limited'],
      ['backup', 'ok'],
    ]);
    const ms = await poll(
      () => [b, c].every((r) => (store(r).holdLeftMs('cooldown:chat/primary') ?? 0) > 29_000),
      'the cool-down reaching the other replicas',
    );
    process.stdout.write(`cool-down propagated to 2 replicas in ${ms.toFixed(1)} ms\n`);
    for (const router of [b, c]) {
      const result = await chat(router);
      expect(result.attempts.map((x) => x.endpointId)).toEqual(['backup']);
    }
    const late = await replica({ applications: app(), prefix });
    expect((await chat(late)).attempts.map((x) => x.endpointId)).toEqual(['backup']);
    expect(mock.control.requests('primary')).toHaveLength(1);
  });

  it('a breaker opened by one replica stops the others, and a half-open success closes it everywhere', async () => {
    const prefix = `${PREFIX}-breaker`;
    const routing = { circuitBreaker: { failureThreshold: 2, openMs: 300 } };
    const [a, b] = await Promise.all([1, 2].map(() => replica({ applications: app(routing), prefix })));
    mock.control.setDefault('primary', { status: 500 });
    await chat(a);
    await chat(a);
    expect(mock.control.requests('primary')).toHaveLength(2);
    await poll(() => store(b).holdLeftMs('breaker:chat/primary') !== null, 'the open breaker reaching b');
    expect((await chat(b)).attempts.map((x) => x.endpointId)).toEqual(['backup']);
    expect(mock.control.requests('primary')).toHaveLength(2);

    mock.control.setDefault('primary', null);
    await poll(() => store(b).holdLeftMs('breaker:chat/primary') === 0, 'the breaker half-open', 5_000);
    const probe = await chat(b);
    expect(probe.endpointId).toBe('primary');
    await poll(() => store(a).holdLeftMs('breaker:chat/primary') === null, 'the closed breaker reaching a');
    expect((await chat(a)).endpointId).toBe('primary');
  });

  it('suspends a model of a model-based application on every replica', async () => {
    const prefix = `${PREFIX}-model`;
    const applications = [
      {
        id: 'chat',
        type: 'chat',
        models: ['gpt-4o'],
        endpoints: [endpoint('backend-1'), endpoint('backend-2')],
        routing: {
          strategy: 'model-based',
          modelBasedRoundRobin: {
            onQuotaExceedSuspendDuration: 60,
            productionModels: [
              { endpoint: 'backend-1', model: 'gpt-4o', weight: 1 },
              { endpoint: 'backend-2', model: 'gpt-4o', weight: 1 },
            ],
          },
        },
      },
    ];
    const [a, b] = await Promise.all([1, 2].map(() => replica({ applications, prefix })));
    mock.control.setDefault('backend-1', { status: 429 });
    const first = await a.controller.chat(routeRequest('chat', chatBody({ model: 'gpt-4o' })));
    expect(first.attempts.map((x) => x.endpointId)).toEqual(['backend-1', 'backend-2']);
    await poll(
      () => (store(b).holdLeftMs('suspended:chat/backend-1/gpt-4o') ?? 0) > 59_000,
      'the suspension reaching b',
    );
    for (let i = 0; i < 4; i += 1) {
      const result = await b.controller.chat(routeRequest('chat', chatBody({ model: 'gpt-4o' })));
      expect(result.attempts.map((x) => x.endpointId)).toEqual(['backend-2']);
    }
    expect(mock.control.requests('backend-1')).toHaveLength(1);
  });

  describe('with Redis down', () => {
    let server: ThrowawayRedis | null = null;
    afterEach(async () => {
      await server?.kill();
      server = null;
    });

    it('starts, keeps routing on local state and never hangs when Redis goes away', async () => {
      const own = (server = await ThrowawayRedis.start());
      const router = await replica({
        applications: app(),
        prefix: `${PREFIX}-down`,
        redisUrl: own.url,
      });
      await own.kill();

      mock.control.script('primary', [{ status: 429, retryAfter: '30' }]);
      expect((await chat(router)).endpointId).toBe('backup');
      expect((await chat(router)).attempts.map((x) => x.endpointId)).toEqual(['backup']);
      expect(mock.control.requests('primary')).toHaveLength(1);
    });

    it('starts when Redis is unreachable from the beginning', async () => {
      const router = await replica({
        applications: app(),
        prefix: `${PREFIX}-none`,
        redisUrl: 'redis://127.0.0.1:1',
      });
      expect((await chat(router)).endpointId).toBe('primary');
    });
  });
});
