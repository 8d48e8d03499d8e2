import { resolveConfig } from '@aigw/config';
import { RateLimitPlan } from './rate-limit-plan';

const plan = new RateLimitPlan(
  resolveConfig(
    {
      auth: {
        required: true,
        keys: [{ id: 'k1', sha256: 'a'.repeat(64), rateLimits: [{ requests: 100, window: 'day' }] }],
      },
      applications: [
        {
          id: 'chat',
          type: 'chat',
          endpoints: [
            { id: 'ptu', provider: 'mock', rpm: 10, rateLimits: [{ requests: 5, window: 'minute' }] },
            { id: 'paygo', provider: 'mock' },
          ],
          rateLimits: {
            limits: [{ requests: 60, tokens: 1_000, tokenKind: 'prompt', window: 'minute' }],
            perConsumer: [{ tokens: 50, window: 10 }],
          },
        },
        { id: 'open', type: 'chat', endpoints: [{ id: 'm', provider: 'mock' }] },
      ],
    },
    {},
  ),
);

describe('RateLimitPlan', () => {
  it.each<[string, string, string | null, [string, string, number, number][]]>([
    [
      'the application without a consumer',
      'chat',
      null,
      [
        ['app|chat|requests|60000', 'requests per minute of application chat', 60, 60_000],
        ['app|chat|prompt|60000', 'prompt tokens per minute of application chat', 1_000, 60_000],
      ],
    ],
    [
      'a consumer adds its own limits and its key’s',
      'chat',
      'k1',
      [
        ['app|chat|requests|60000', 'requests per minute of application chat', 60, 60_000],
        ['app|chat|prompt|60000', 'prompt tokens per minute of application chat', 1_000, 60_000],
        ['consumer|chat|k1|total|10000', 'tokens per 10 s of consumer k1 of application chat', 50, 10_000],
        ['key|k1|requests|86400000', 'requests per day of API key k1', 100, 86_400_000],
      ],
    ],
    [
      'an application without limits: only the key’s',
      'open',
      'k1',
      [['key|k1|requests|86400000', 'requests per day of API key k1', 100, 86_400_000]],
    ],
    ['nothing at all', 'open', null, []],
  ])('admission counters: %s', (_name, app, consumer, expected) => {
    const counters = plan.of(app)?.admission(consumer) ?? [];
    expect(counters.map((c) => [c.key, c.label, c.limit, c.windowMs])).toEqual(expected);
  });

  it('endpoint counters: rpm and a rule of the same window and measure keep the tighter limit', () => {
    const chat = plan.of('chat');
    expect(chat?.endpoint('ptu').map((c) => [c.key, c.limit])).toEqual([
      ['endpoint|chat|ptu|requests|60000', 5],
    ]);
    expect(chat?.endpoint('paygo')).toEqual([]);
    expect(chat?.endpointLimits).toBe(true);
    expect(plan.of('open')?.endpointLimits).toBe(false);
    expect(plan.of('unknown')).toBeUndefined();
  });
});
