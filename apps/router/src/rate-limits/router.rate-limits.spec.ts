import type { RouteResult } from '@aigw/contracts';
import { GatewayError } from '@aigw/contracts';
import type { MockLlm } from '@aigw/mock-llm';
import { startMockLlm } from '@aigw/mock-llm';
import type { RouterUnderTest } from '../test/router-harness';
import {
  ManualClock,
  chatBody,
  collect,
  rejectionOf,
  routeRequest,
  startRouter,
} from '../test/router-harness';
import { InMemoryRateLimitStore } from './in-memory.rate-limit-store';
import { RateLimitTicket } from './rate-limit-ticket';
import { RateLimiter } from './rate-limiter.service';
import type { Reservation, Settlement } from './rate-limit-store.interface';
import { countPromptTokens, countText } from './token-counter';

/** The in-memory store, recording each settlement (the stream specs wait for it). */
class RecordingStore extends InMemoryRateLimitStore {
  readonly settlements: Settlement[] = [];
  override settle(reservation: Reservation, settlement: Settlement): Promise<void> {
    this.settlements.push(settlement);
    return super.settle(reservation, settlement);
  }
}

const KEY_HASH = 'a'.repeat(64);

describe('router: rate limits and quotas (in memory, as in embedded mode)', () => {
  let mock: MockLlm;
  let router: RouterUnderTest | null = null;
  let clock: ManualClock;
  let store: RecordingStore;
  const endpoint = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    provider: 'mock',
    url: `${mock.url}/e/${id}/v1`,
    ...extra,
  });
  const start = (applications: unknown[], config: Record<string, unknown> = {}) =>
    startRouter({ applications, mockLlmUrl: null, clock, rateLimitStore: store, config }).then((r) => {
      router = r;
      return r;
    });
  const chat = (app: string, extra: Record<string, unknown> = {}, consumer: string | null = null) =>
    router!.controller.chat(routeRequest(app, chatBody(extra), consumer));
  const refusal = async (promise: Promise<unknown>): Promise<GatewayError> => {
    const error = await rejectionOf(promise);
    if (!(error instanceof GatewayError)) throw error;
    return error;
  };

  beforeAll(async () => {
    mock = await startMockLlm({ port: 0 });
  });
  beforeEach(() => {
    mock.control.reset();
    clock = new ManualClock(Date.parse('2026-01-01T00:00:10Z'));
    store = new RecordingStore(clock);
  });
  afterEach(async () => {
    await router?.close();
    router = null;
  });
  afterAll(() => mock.close());

  it('admits up to the application limit, then answers 429 until the window resets, without calling upstream', async () => {
    await start([
      {
        id: 'chat',
        type: 'chat',
        endpoints: [endpoint('main')],
        rateLimits: { limits: [{ requests: 2, window: 'minute' }] },
      },
    ]);
    const first = await chat('chat');
    const second = await chat('chat');
    expect(first.rateLimit).toEqual({ requests: { limit: 2, remaining: 1, resetMs: 50_000 }, tokens: null });
    expect(second.rateLimit?.requests?.remaining).toBe(0);

    const error = await refusal(chat('chat'));
    expect(error).toMatchObject({ code: 'rate_limit_exceeded', status: 429, retryAfterMs: 50_000 });
    expect(error.message).toBe(
      'Rate limit reached for requests per minute of application chat: limit 2, used 2. Please try again in 50s.',
    );
    // The x-ratelimit-* headers of the 429: the limits as the refusal found them.
    expect(error.rateLimit).toEqual({ requests: { limit: 2, remaining: 0, resetMs: 50_000 }, tokens: null });
    expect(mock.control.requests('main')).toHaveLength(2);

    clock.advance(50_000);
    expect((await chat('chat')).rateLimit?.requests).toEqual({ limit: 2, remaining: 1, resetMs: 60_000 });
  });

  it('reserves the prompt plus max_tokens, then settles the real usage', async () => {
    await start([
      {
        id: 'chat',
        type: 'chat',
        endpoints: [endpoint('main')],
        rateLimits: { limits: [{ tokens: 1_000, window: 'minute' }] },
      },
    ]);
    const reserved = countPromptTokens('chat', chatBody()) + 100;
    const first = await chat('chat', { max_tokens: 100 });
    expect(first.rateLimit?.tokens).toEqual({ limit: 1_000, remaining: 1_000 - reserved, resetMs: 50_000 });
    const second = await chat('chat', { max_tokens: 100 });
    const used = first.usage?.total_tokens ?? NaN;
    expect(used).toBeLessThan(reserved);
    expect(second.rateLimit?.tokens?.remaining).toBe(1_000 - used - reserved);
  });

  it.each<[string, Record<string, unknown>, 'prompt' | 'completion' | 'total', (r: RouteResult) => number]>([
    ['prompt tokens (APK requestTokenCount)', {}, 'prompt', (r) => r.usage?.prompt_tokens ?? NaN],
    [
      'completion tokens (APK responseTokenCount)',
      {},
      'completion',
      (r) => r.usage?.completion_tokens ?? NaN,
    ],
    ['total tokens (APISIX total_tokens)', {}, 'total', (r) => r.usage?.total_tokens ?? NaN],
  ])('counts %s', async (_name, extra, tokenKind, usedOf) => {
    await start([
      {
        id: 'chat',
        type: 'chat',
        endpoints: [endpoint('main')],
        rateLimits: { limits: [{ tokens: 10_000, tokenKind, window: 60 }] },
      },
    ]);
    const first = await chat('chat', { max_tokens: 50, ...extra });
    const second = await chat('chat', { max_tokens: 50, ...extra });
    const prompt = countPromptTokens('chat', chatBody());
    const reserved = tokenKind === 'prompt' ? prompt : tokenKind === 'completion' ? 50 : prompt + 50;
    expect(second.rateLimit?.tokens?.remaining).toBe(10_000 - usedOf(first) - reserved);
  });

  it('limits each consumer on its own, and an API key across applications', async () => {
    await start(
      [
        {
          id: 'chat',
          type: 'chat',
          endpoints: [endpoint('main')],
          rateLimits: { perConsumer: [{ requests: 1, window: 'hour' }] },
        },
        { id: 'other', type: 'chat', endpoints: [endpoint('other')] },
      ],
      {
        auth: {
          required: true,
          keys: [
            { id: 'alice', sha256: KEY_HASH },
            { id: 'bob', sha256: KEY_HASH.replace(/a$/, 'b'), rateLimits: [{ requests: 1, window: 'day' }] },
          ],
        },
      },
    );
    await chat('chat', {}, 'alice');
    expect(await refusal(chat('chat', {}, 'alice'))).toMatchObject({ status: 429 });
    expect((await chat('chat', {}, 'bob')).rateLimit?.requests?.remaining).toBe(0);
    const bob = await refusal(chat('other', {}, 'bob'));
    expect(bob.message).toContain('requests per day of API key bob');
    expect((await chat('other', {}, 'alice')).endpointId).toBe('other');
  });

  it('skips an endpoint whose own quota is used up, and answers 429 with the soonest reset when all are', async () => {
    await start([
      {
        id: 'chat',
        type: 'chat',
        endpoints: [endpoint('primary', { rpm: 1 }), endpoint('backup', { rpm: 2 })],
      },
    ]);
    expect((await chat('chat')).endpointId).toBe('primary');
    expect((await chat('chat')).endpointId).toBe('backup');
    expect((await chat('chat')).endpointId).toBe('backup');
    const error = await refusal(chat('chat'));
    expect(error).toMatchObject({ code: 'rate_limit_exceeded', status: 429, retryAfterMs: 50_000 });
    expect(error.message).toBe(
      'all endpoints are rate limited: primary: its quota is used up (retry in 50000 ms); backup: its quota is used up (retry in 50000 ms)',
    );
    expect(mock.control.requests()).toHaveLength(3);
  });

  it('a 429 of the endpoint quotas reports the limits the request was admitted under, as a success does', async () => {
    await start([
      {
        id: 'chat',
        type: 'chat',
        endpoints: [endpoint('only', { rpm: 1 })],
        rateLimits: { limits: [{ requests: 10, tokens: 100_000, window: 'minute' }] },
      },
    ]);
    const served = await chat('chat');
    const error = await refusal(chat('chat'));
    expect(error).toMatchObject({ code: 'rate_limit_exceeded', status: 429, retryAfterMs: 50_000 });
    expect(error.rateLimit?.requests).toEqual({ limit: 10, remaining: 8, resetMs: 50_000 });
    expect(error.rateLimit?.tokens).toMatchObject({ limit: 100_000, resetMs: 50_000 });
    expect(error.rateLimit?.tokens?.remaining).toBeLessThan(served.rateLimit!.tokens!.remaining);
  });

  it('streams: an admission refusal is an error before the start, with the limits and the retry', async () => {
    await start([
      {
        id: 'chat',
        type: 'chat',
        endpoints: [endpoint('main')],
        rateLimits: { perConsumer: [{ requests: 1, window: 'minute' }] },
      },
    ]);
    await chat('chat', {}, 'alice');
    const { events, error } = await collect(
      router!.controller.chatStream(routeRequest('chat', chatBody({ stream: true }), 'alice')),
    );
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({
      code: 'rate_limit_exceeded',
      retryAfterMs: 50_000,
      rateLimit: { requests: { limit: 1, remaining: 0, resetMs: 50_000 }, tokens: null },
    });
    expect(mock.control.requests('main')).toHaveLength(1);
  });

  it('refunds the application quota when no endpoint served; an endpoint that failed keeps its request', async () => {
    await start([
      {
        id: 'chat',
        type: 'chat',
        endpoints: [endpoint('flaky', { rpm: 1 }), endpoint('backup')],
        rateLimits: { limits: [{ requests: 1, window: 'minute' }] },
      },
    ]);
    mock.control.script('flaky', [{ status: 500 }]);
    mock.control.script('backup', [{ status: 500 }]);
    expect(await refusal(chat('chat'))).toMatchObject({ status: 502 });
    // The application's one request is free again; flaky's minute is used by the failed attempt.
    expect((await chat('chat')).endpointId).toBe('backup');
  });

  it.each([
    ['cap lowers max_tokens', 'cap', { max_tokens: 5_000 }, 64],
    ['cap sets max_tokens when absent', 'cap', {}, 64],
  ])('max_tokens restriction: %s', async (_name, action, extra, sent) => {
    await start([
      {
        id: 'chat',
        type: 'chat',
        endpoints: [endpoint('main')],
        rateLimits: { maxTokens: { limit: 64, action } },
      },
    ]);
    await chat('chat', extra);
    expect(mock.control.requests('main')[0]?.body).toMatchObject({ max_tokens: sent });
  });

  it('max_tokens restriction: reject answers 400 naming the field, before anything is reserved', async () => {
    await start([
      {
        id: 'chat',
        type: 'chat',
        endpoints: [endpoint('main')],
        rateLimits: {
          limits: [{ requests: 1, window: 'minute' }],
          maxTokens: { limit: 64, action: 'reject' },
        },
      },
    ]);
    expect(await refusal(chat('chat', { max_completion_tokens: 65 }))).toMatchObject({
      code: 'invalid_request',
      status: 400,
      param: 'max_completion_tokens',
    });
    expect((await chat('chat', { max_completion_tokens: 64 })).rateLimit?.requests?.remaining).toBe(0);
  });

  it('streams: the start event carries the limits; the end settles the reported usage', async () => {
    await start([
      {
        id: 'chat',
        type: 'chat',
        endpoints: [endpoint('main')],
        rateLimits: { limits: [{ requests: 5, tokens: 1_000, window: 'minute' }] },
      },
    ]);
    const { events, error } = await collect(
      router!.controller.chatStream(
        routeRequest(
          'chat',
          chatBody({ stream: true, stream_options: { include_usage: true }, max_tokens: 100 }),
        ),
      ),
    );
    expect(error).toBeNull();
    const prompt = countPromptTokens('chat', chatBody());
    expect(events[0]).toMatchObject({
      kind: 'start',
      rateLimit: {
        requests: { limit: 5, remaining: 4, resetMs: 50_000 },
        tokens: { limit: 1_000, remaining: 1_000 - prompt - 100, resetMs: 50_000 },
      },
    });
    const end = events.at(-1);
    if (end?.kind !== 'end' || end.usage === null) throw new Error('expected an end with usage');
    expect(store.settlements).toEqual([
      { requests: 1, promptTokens: end.usage.prompt_tokens, completionTokens: end.usage.completion_tokens },
    ]);
  });

  it('streams: a cancelled stream settles the prompt and what was produced until then', async () => {
    await start([
      {
        id: 'chat',
        type: 'chat',
        endpoints: [endpoint('main')],
        rateLimits: { limits: [{ tokens: 10_000, window: 'minute' }] },
      },
    ]);
    mock.control.script('main', [{ content: 'one two three four five six', chunkDelayMs: 50 }]);
    const produced: string[] = [];
    await new Promise<void>((resolve) => {
      const subscription = router!.controller
        .chatStream(routeRequest('chat', chatBody({ stream: true, max_tokens: 500 })))
        .subscribe((event) => {
          if (event.kind !== 'chunks') return;
          for (const data of event.data) {
            const delta = (JSON.parse(data) as { choices: { delta: { content?: string } }[] }).choices[0]
              ?.delta;
            if (delta?.content) produced.push(delta.content);
          }
          if (produced.length >= 2) {
            subscription.unsubscribe();
            resolve();
          }
        });
    });
    await mock.control.waitFor((requests) => requests.some((r) => r.aborted));
    const deadline = Date.now() + 5_000;
    while (store.settlements.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    const [settlement] = store.settlements;
    expect(settlement?.requests).toBe(1);
    expect(settlement?.promptTokens).toBe(countPromptTokens('chat', chatBody()));
    // What was relayed, and at most the chunk in flight when the stream was cancelled.
    const relayed = produced.join('');
    expect(relayed).toBe('one two ');
    expect(settlement?.completionTokens).toBeGreaterThanOrEqual(countText(relayed));
    expect(settlement?.completionTokens).toBeLessThanOrEqual(countText(`${relayed}three `));
  });

  it('costs nothing for an application without limits (no rateLimit in the result)', async () => {
    await start([
      { id: 'chat', type: 'chat', endpoints: [endpoint('main')] },
      {
        id: 'limited',
        type: 'chat',
        endpoints: [endpoint('other')],
        rateLimits: { limits: [{ requests: 2, window: 'minute' }] },
      },
    ]);
    expect((await chat('chat')).rateLimit).toBeUndefined();
    expect(store.settlements).toEqual([]);
    // Admitted at once: nothing to await on the request's path (a limited one waits for the store).
    const admit = (app: string) => router!.get(RateLimiter).admit('chat', routeRequest(app, chatBody()));
    expect(admit('chat')).toBeInstanceOf(RateLimitTicket);
    const limited = admit('limited');
    expect(limited).not.toBeInstanceOf(RateLimitTicket);
    expect(await limited).toBeInstanceOf(RateLimitTicket);
  });
});
