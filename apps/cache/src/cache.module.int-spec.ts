import type { CacheLookupRequest } from '@aigw/contracts';
import type { EmbeddedPostgres } from '@aigw/persistence';
import { startEmbeddedPostgres } from '@aigw/persistence';
import { Client } from 'pg';
import { CacheServiceHarness, waitFor } from './test/cache-service.harness';
import { ThrowawayRedis } from '@aigw/testing';

// PGlite compiles its WASM build on start: seconds.
jest.setTimeout(60_000);

const YAML = `
auth: { required: false }
cacheSettings: { cacheEnabled: true, vectorizer: local }
applications:
  - id: cs
    type: chat
    cacheSettings: { useCache: true, searchType: CS, searchDistance: 0.8, searchContent: { includeRoles: user } }
    endpoints: [{ id: m, provider: mock }]
  - id: ls
    type: chat
    cacheSettings: { useCache: true, searchType: LS, searchDistance: 0.6 }
    endpoints: [{ id: m, provider: mock }]
  - id: ip
    type: chat
    cacheSettings: { useCache: true, searchType: IP, searchDistance: 0.8 }
    endpoints: [{ id: m, provider: mock }]
  - id: mine
    type: chat
    cacheSettings: { useCache: true, perConsumer: true, searchDistance: 0.8 }
    endpoints: [{ id: m, provider: mock }]
  - id: legacy
    type: completions
    cacheSettings: { useCache: true, entryExpiry: 5 minutes }
    endpoints: [{ id: m, provider: mock }]
  - id: uncached
    type: chat
    endpoints: [{ id: m, provider: mock }]
`;

let sequence = 0;
const ask = (
  applicationId: string,
  content: string,
  extra: Partial<CacheLookupRequest> = {},
): CacheLookupRequest => ({
  requestId: `req-${++sequence}`,
  applicationId,
  consumerId: 'team-a',
  operation: 'chat',
  body: {
    model: applicationId,
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content },
    ],
  },
  ...extra,
});
const answer = (text: string) => ({
  id: `chatcmpl-${text.length}`,
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [
    { index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: 'stop' },
  ],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
});

/**
 * Asks, caches the answer through the write queue, and polls until the same request is an exact hit.
 * Returns how many of its lookups were misses.
 */
async function cachedIn(
  cache: CacheServiceHarness,
  request: CacheLookupRequest,
  text: string,
): Promise<number> {
  const first = await cache.lookup(request);
  expect(first.result).toBe('miss');
  const embedding = first.result === 'miss' ? first.embedding : null;
  await cache.write({ ...request, operation: request.operation, response: answer(text), embedding });
  let misses = 1;
  await waitFor(
    async () => {
      const reply = await cache.lookup({ ...request, requestId: `${request.requestId}-again` });
      if (reply.result === 'miss') misses++;
      return reply;
    },
    (r) => r.result === 'hit',
    'the write',
  );
  return misses;
}

describe('the cache service on Redis, BullMQ and Postgres with pgvector', () => {
  let postgres: EmbeddedPostgres;
  let cache: CacheServiceHarness;

  beforeAll(async () => {
    postgres = await startEmbeddedPostgres({ dataDir: null });
    cache = await CacheServiceHarness.start({ yaml: YAML, databaseUrl: postgres.url });
  });

  afterAll(async () => {
    await cache?.close();
    await postgres?.close();
  });

  const cached = (request: CacheLookupRequest, text: string) => cachedIn(cache, request, text);

  it('misses, then hits exactly, then hits semantically a near request of the same context', async () => {
    const request = ask('cs', 'What is the capital of France?');
    await cached(request, 'Paris.');
    expect(await cache.lookup({ ...request, requestId: 'again' })).toEqual({
      result: 'hit',
      tier: 'exact',
      similarity: 1,
      body: answer('Paris.'),
    });
    const near = await cache.lookup(ask('cs', 'what is the capital of france please'));
    expect(near).toMatchObject({ result: 'hit', tier: 'semantic', body: answer('Paris.') });
    expect(near.result === 'hit' && near.similarity).toBeGreaterThanOrEqual(0.8);
    expect(near.result === 'hit' && near.similarity).toBeLessThan(1);
    expect(await cache.lookup(ask('cs', 'Explain quantum entanglement'))).toMatchObject({ result: 'miss' });
  });

  it('never serves an answer in another context: system prompt, parameters, application, consumer', async () => {
    const request = ask('mine', 'How tall is Mount Everest?');
    await cached(request, '8,849 m.');
    const otherSystem = {
      ...request,
      requestId: 'other-system',
      body: {
        ...request.body,
        messages: [
          { role: 'system', content: 'Answer in French.' },
          { role: 'user', content: 'How tall is Mount Everest?' },
        ],
      },
    };
    expect(await cache.lookup(otherSystem)).toMatchObject({ result: 'miss' });
    expect(
      await cache.lookup({ ...request, requestId: 'other-params', body: { ...request.body, max_tokens: 3 } }),
    ).toMatchObject({ result: 'miss' });
    expect(
      await cache.lookup({ ...request, requestId: 'other-consumer', consumerId: 'team-b' }),
    ).toMatchObject({ result: 'miss' });
    expect(await cache.lookup({ ...ask('ip', 'How tall is Mount Everest?') })).toMatchObject({
      result: 'miss',
    });
    expect(await cache.lookup({ ...request, requestId: 'same-consumer' })).toMatchObject({ result: 'hit' });
  });

  it.each([
    ['LS (L2 distance at most 0.6)', 'ls', (s: number) => s > 0 && s <= 0.6],
    ['IP (inner product at least 0.8)', 'ip', (s: number) => s >= 0.8 && s < 1],
  ])('matches by %s', async (_case, app, inRange) => {
    await cached(ask(app, 'Which planet is known as the red planet?'), 'Mars.');
    const near = await cache.lookup(ask(app, 'Which planet is known as the red planet, please?'));
    expect(near).toMatchObject({ result: 'hit', tier: 'semantic' });
    expect(near.result === 'hit' && inRange(near.similarity)).toBe(true);
    expect(await cache.lookup(ask(app, 'Recommend a good science fiction novel'))).toMatchObject({
      result: 'miss',
    });
  });

  it('skips what the policy does not cache, and writes no answer that calls tools', async () => {
    expect(
      await cache.lookup(
        ask('cs', 'hot', {
          body: { model: 'cs', temperature: 1.5, messages: [{ role: 'user', content: 'hot' }] },
        }),
      ),
    ).toEqual({
      result: 'skip',
      reason: 'temperature 1.5 is above 1',
    });
    expect(await cache.lookup(ask('uncached', 'anything'))).toEqual({
      result: 'skip',
      reason: 'the application is not cached',
    });
    const request = ask('cs', 'Call the weather tool for Paris');
    const toolCall = {
      ...answer(''),
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: null, tool_calls: [{ id: 'c' }] },
          finish_reason: 'tool_calls',
        },
      ],
    };
    await cache.write({ ...request, operation: 'chat', response: toolCall, embedding: null });
    const control = ask('cs', 'A control question written after the tool call');
    await cached(control, 'ok');
    expect(await cache.lookup({ ...request, requestId: 'tool-again' })).toMatchObject({ result: 'miss' });
  });

  it('counts hits and their average similarity per application (the seed cacheMetrics)', async () => {
    const before = await cache.stats(['legacy']);
    expect(before.applications).toEqual([
      {
        applicationId: 'legacy',
        cacheMetrics: { hitCount: 0, avgScore: null, missCount: 0, unavailableCount: 0 },
      },
    ]);
    const request: CacheLookupRequest = {
      requestId: 'legacy-1',
      applicationId: 'legacy',
      consumerId: null,
      operation: 'completions',
      body: { model: 'legacy', prompt: 'Say hi' },
    };
    const misses = await cached(request, 'Hi');
    await cache.lookup({ ...request, requestId: 'legacy-2' });
    const after = await waitFor(
      () => cache.stats(['legacy', 'uncached']),
      (s) => s.applications[0]?.cacheMetrics.hitCount === 2,
      'the counters',
    );
    expect(after.applications).toEqual([
      {
        applicationId: 'legacy',
        cacheMetrics: { hitCount: 2, avgScore: 1, missCount: misses, unavailableCount: 0 },
      },
    ]);
  });

  it('deletes entries past their application entryExpiry in the scheduled sweep', async () => {
    const request = ask('cs', 'An entry that will be backdated');
    await cached(request, 'old');
    const fresh = ask('cs', 'An entry that stays fresh');
    await cached(fresh, 'new');
    const db = new Client({ connectionString: postgres.url });
    await db.connect();
    try {
      await db.query(
        `UPDATE cache_entries SET created_at = now() - interval '2 days' WHERE request_id = $1`,
        [request.requestId],
      );
      // Lookups ignore it already (created before the application's 1-day entryExpiry)...
      const stale = {
        ...request,
        requestId: 'stale',
        body: {
          ...request.body,
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'an entry that will be backdated!' },
          ],
        },
      };
      expect(await cache.lookup(stale)).toMatchObject({ result: 'miss' });
      // ...and the sweep, run through the queue as its schedule runs it, deletes it.
      await cache.expireNow('manual-1');
      await waitFor(
        async () =>
          (
            await db.query<{ n: string }>('SELECT count(*) AS n FROM cache_entries WHERE request_id = $1', [
              request.requestId,
            ])
          ).rows[0]?.n,
        (n) => n === '0',
        'the sweep',
      );
      const kept = await db.query('SELECT 1 FROM cache_entries WHERE request_id = $1', [fresh.requestId]);
      expect(kept.rowCount).toBe(1);
    } finally {
      await db.end();
    }
  });
});

describe('the cache service when its Redis dies', () => {
  let postgres: EmbeddedPostgres;
  let redis: ThrowawayRedis;
  let cache: CacheServiceHarness;

  beforeAll(async () => {
    postgres = await startEmbeddedPostgres({ dataDir: null });
    redis = await ThrowawayRedis.start();
    cache = await CacheServiceHarness.start({ yaml: YAML, databaseUrl: postgres.url, redisUrl: redis.url });
  });

  afterAll(async () => {
    await cache?.close();
    await redis?.kill();
    await postgres?.close();
  });

  it('answers every lookup as unavailable while Redis is down, and recovers when it is back', async () => {
    expect(await cache.lookup(ask('cs', 'before the outage'))).toMatchObject({ result: 'miss' });
    await redis.kill();
    const lookups = await Promise.all(
      [1, 2, 3].map((i) => cache.lookup(ask('cs', `during the outage ${i}`))),
    );
    for (const reply of lookups)
      expect(reply.result === 'unavailable' ? reply.reason : reply.result).toContain('exact tier');
    await redis.restart();
    await waitFor(
      () => cache.lookup(ask('cs', 'after the outage')),
      (r) => r.result === 'miss',
      'the recovery',
      20_000,
    );
    await cachedIn(cache, ask('cs', 'cached after the outage'), 'back');
  });
});
