import { GatewayError } from '@aigw/contracts';
import type { MockLlm } from '@aigw/mock-llm';
import { startMockLlm } from '@aigw/mock-llm';
import { ThrowawayRedis } from '@aigw/testing';
import type { RouterUnderTest } from '../test/router-harness';
import { chatBody, rejectionOf, routeRequest, startRouter } from '../test/router-harness';

/** Settles with the outcome of `promise`, or rejects if it takes longer than `ms` (a hang). */
function withinMs<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer));
}

/**
 * Redis going away under the limiter. The spec runs its own throw-away redis-server (never the shared
 * one) and kills it: fail-open keeps serving, limited per process; fail-closed answers 503. Either
 * way every answer comes within the Redis command timeout, never a hang.
 */
describe('rate limits when Redis goes down', () => {
  let mock: MockLlm;
  let redis: ThrowawayRedis;
  const routers: RouterUnderTest[] = [];

  beforeAll(async () => {
    mock = await startMockLlm({ port: 0 });
    redis = await ThrowawayRedis.start();
  });
  afterAll(async () => {
    await Promise.all(routers.map((r) => r.close()));
    await redis.kill();
    await mock.close();
  });

  const start = async (redisDown: 'failOpen' | 'failClosed') => {
    const router = await startRouter({
      applications: [
        {
          id: 'chat',
          type: 'chat',
          endpoints: [{ id: 'main', provider: 'mock', url: `${mock.url}/e/main/v1` }],
          rateLimits: { limits: [{ requests: 2, window: 'hour' }] },
        },
      ],
      mockLlmUrl: null,
      redisUrl: redis.url,
      redisPrefix: `aigw.test.down.${redisDown}.${process.pid}`,
      config: { rateLimiting: { redisDown } },
    });
    routers.push(router);
    return router;
  };
  const chat = (router: RouterUnderTest) => router.controller.chat(routeRequest('chat', chatBody()));

  it('limits in Redis while it is up; then fail-open serves (limited per process) and fail-closed answers 503', async () => {
    const open = await start('failOpen');
    const closed = await start('failClosed');
    // Up: both count in Redis.
    expect((await chat(open)).rateLimit?.requests?.remaining).toBe(1);
    expect((await chat(closed)).rateLimit?.requests?.remaining).toBe(1);

    await redis.kill();

    // Fail-open: the local limiter takes over with the same rules (a fresh count in this process).
    const served = await withinMs(chat(open), 2_000);
    expect(served.endpointId).toBe('main');
    expect(served.rateLimit?.requests).toMatchObject({ limit: 2, remaining: 1 });
    await withinMs(chat(open), 2_000);
    expect(await withinMs(rejectionOf(chat(open)), 2_000)).toMatchObject({
      code: 'rate_limit_exceeded',
      status: 429,
    });

    // Fail-closed: a 503 in the OpenAI error shape, with a retry hint.
    const refused = await withinMs(rejectionOf(chat(closed)), 2_000);
    expect(refused).toBeInstanceOf(GatewayError);
    expect(refused).toMatchObject({ code: 'service_unavailable', status: 503, retryAfterMs: 1_000 });
    expect((refused as GatewayError).message).toContain('Rate limits cannot be checked');
  });

  it('a router that starts while Redis is down still starts, and applies its policy', async () => {
    // Redis was killed by the test above.
    const open = await start('failOpen');
    expect((await withinMs(chat(open), 2_000)).rateLimit?.requests).toMatchObject({ limit: 2, remaining: 1 });
    const closed = await start('failClosed');
    expect(await withinMs(rejectionOf(chat(closed)), 2_000)).toMatchObject({ status: 503 });
  });
});
