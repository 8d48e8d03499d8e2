import { sha256Hex } from '@aigw/config';
import type { MockLlm } from '@aigw/mock-llm';
import { startMockLlm } from '@aigw/mock-llm';
import type { DeploymentOptions, PgliteProcess, RunningDeployment } from '@aigw/testing';
import {
  startDistributedDeployment,
  startEmbeddedDeployment,
  startPgliteProcess,
  ThrowawayRedis,
} from '@aigw/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';

const KEY = 'sk-e2e-cache-key-000000000000000';

/** One cached chat application (local, lexical vectorizer) and one legacy completions application. */
function writeCacheConfig(mockUrl: string): string {
  const endpoint = (id: string) =>
    `[{ id: ${id}, provider: openai-compatible, url: '${mockUrl}/e/${id}/v1', timeoutMs: 3000, allowPrivateNetwork: true }]`;
  const yaml = `
server: { requestTimeoutMs: 20000, streamIdleTimeoutMs: 5000 }
auth:
  required: true
  keys: [{ id: full, sha256: ${sha256Hex(KEY)}, applications: ['*'] }]
cacheSettings: { cacheEnabled: true, vectorizer: local, lookupTimeoutMs: 3000 }
applications:
  - id: cached-chat
    type: chat
    cacheSettings: { useCache: true, searchType: CS, searchDistance: 0.85, searchContent: { term: messages, includeRoles: user } }
    endpoints: ${endpoint('cached')}
  - id: cached-legacy
    type: completions
    cacheSettings: { useCache: true }
    endpoints: ${endpoint('legacy')}
`;
  const path = join(mkdtempSync(join(tmpdir(), 'aigw-cache-e2e-')), 'gateway.yaml');
  writeFileSync(path, yaml);
  return path;
}

type Start = (options: DeploymentOptions) => Promise<RunningDeployment>;

/** Distributed mode: the cache's Postgres must have pgvector, so every service uses an embedded one. */
async function deploy(mode: 'embedded' | 'distributed', mock: MockLlm, env: Record<string, string> = {}) {
  const pglite: PgliteProcess | null = mode === 'distributed' ? await startPgliteProcess() : null;
  const start: Start = mode === 'embedded' ? startEmbeddedDeployment : startDistributedDeployment;
  const gateway = await start({
    configPath: writeCacheConfig(mock.url),
    env: { ...(pglite === null ? {} : { DATABASE_URL: pglite.url }), ...env },
    mockLlmUrl: mock.url,
    startTimeoutMs: 90_000,
  });
  return {
    gateway,
    stop: async () => {
      await gateway.stop();
      await pglite?.stop();
    },
  };
}

/** Polls until `probe` gives what `done` wants (the write is queued: it lands shortly after the answer). */
async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(['embedded', 'distributed'] as const)(
  'the semantic cache, %s mode, with the openai SDK',
  (mode) => {
    let mock: MockLlm;
    let deployment: Awaited<ReturnType<typeof deploy>>;
    let client: OpenAI;

    beforeAll(async () => {
      mock = await startMockLlm({ port: 0 });
      deployment = await deploy(mode, mock);
      client = new OpenAI({ apiKey: KEY, baseURL: deployment.gateway.baseUrl, maxRetries: 0 });
    }, 180_000);

    afterAll(async () => {
      await deployment?.stop();
      await mock?.close();
    });

    const ask = (content: string, options: OpenAI.RequestOptions = {}) =>
      client.chat.completions
        .create({ model: 'cached-chat', messages: [{ role: 'user', content }] }, options)
        .withResponse();

    it('misses, then answers the same request from the exact tier without calling upstream', async () => {
      const first = await ask('What is the capital of France?');
      expect(first.response.headers.get('x-aigw-cache')).toBe('miss');
      expect(first.data.choices[0]?.message.content).toBe('Mock reply to: What is the capital of France?');
      await eventually(
        () => ask('What is the capital of France?'),
        (r) => r.response.headers.get('x-aigw-cache') === 'hit',
      );
      // The first hit may come from the semantic tier, when the write landed between the lookup's two
      // reads; once written, the exact tier answers.
      const again = await ask('What is the capital of France?');
      expect(again.response.headers.get('x-aigw-cache')).toBe('hit');
      expect(again.response.headers.get('x-aigw-cache-tier')).toBe('exact');
      expect(again.response.headers.get('x-aigw-cache-similarity')).toBe('1');
      // A poll that missed went upstream and cached its own answer, the same text under another id.
      expect(again.data.choices).toEqual(first.data.choices);
      const upstream = mock.control.requests('cached').length;
      await ask('What is the capital of France?');
      expect(mock.control.requests('cached')).toHaveLength(upstream);
    });

    it('answers a near request from the semantic tier, with its similarity', async () => {
      await ask('How many moons does Mars have?');
      await eventually(
        () => ask('How many moons does Mars have?'),
        (r) => r.response.headers.get('x-aigw-cache') === 'hit',
      );
      const near = await ask('how many moons does mars have today');
      expect(near.response.headers.get('x-aigw-cache')).toBe('hit');
      expect(near.response.headers.get('x-aigw-cache-tier')).toBe('semantic');
      const similarity = Number(near.response.headers.get('x-aigw-cache-similarity'));
      expect(similarity).toBeGreaterThanOrEqual(0.85);
      expect(similarity).toBeLessThan(1);
      expect(near.data.choices[0]?.message.content).toBe('Mock reply to: How many moons does Mars have?');
    });

    it('caches a streamed answer once complete, and replays it as a stream with usage and [DONE]', async () => {
      const streamed = async (content: string) => {
        const { data: stream, response } = await client.chat.completions
          .create({
            model: 'cached-chat',
            messages: [{ role: 'user', content }],
            stream: true,
            stream_options: { include_usage: true },
          })
          .withResponse();
        const chunks: OpenAI.ChatCompletionChunk[] = [];
        for await (const chunk of stream) chunks.push(chunk);
        const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
        return { cache: response.headers.get('x-aigw-cache'), chunks, text };
      };
      const first = await streamed('Stream me the tallest mountain');
      expect(first.cache).toBe('miss');
      const replay = await eventually(
        () => streamed('Stream me the tallest mountain'),
        (r) => r.cache === 'hit',
      );
      expect(replay.cache).toBe('hit');
      expect(replay.text).toBe(first.text);
      expect(replay.text).toBe('Mock reply to: Stream me the tallest mountain');
      expect(replay.chunks.length).toBeGreaterThan(2);
      expect(replay.chunks.at(-1)?.choices).toEqual([]);
      expect(replay.chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
      // The assembled answer serves a non-streaming client too.
      const json = await ask('Stream me the tallest mountain');
      expect(json.response.headers.get('x-aigw-cache')).toBe('hit');
      expect(json.data.choices[0]?.message.content).toBe(first.text);
    });

    it('goes upstream when the client opts out, by query or by header', async () => {
      await ask('Opt out of the cache');
      await eventually(
        () => ask('Opt out of the cache'),
        (r) => r.response.headers.get('x-aigw-cache') === 'hit',
      );
      const before = mock.control.requests('cached').length;
      const byHeader = await ask('Opt out of the cache', { headers: { 'x-aigw-use-cache': 'false' } });
      expect(byHeader.response.headers.get('x-aigw-cache')).toBe('bypass');
      const byQuery = await ask('Opt out of the cache', { query: { use_cache: 'false' } });
      expect(byQuery.response.headers.get('x-aigw-cache')).toBe('bypass');
      expect(mock.control.requests('cached')).toHaveLength(before + 2);
    });

    it('caches legacy completions, and counts hits in the seed metrics', async () => {
      const first = await client.completions
        .create({ model: 'cached-legacy', prompt: 'Say hi' })
        .withResponse();
      expect(first.response.headers.get('x-aigw-cache')).toBe('miss');
      const hit = await eventually(
        () => client.completions.create({ model: 'cached-legacy', prompt: 'Say hi' }).withResponse(),
        (r) => r.response.headers.get('x-aigw-cache') === 'hit',
      );
      expect(hit.data.choices[0]?.text).toBe(first.data.choices[0]?.text);
      const report = await eventually(
        async () =>
          (await (
            await fetch(`${deployment.gateway.origin}/v1/usage-metrics`, {
              headers: { authorization: `Bearer ${KEY}` },
            })
          ).json()) as {
            applicationMetrics: Array<{ applicationId: string; cacheMetrics: { hitCount: number } }>;
          },
        (r) =>
          (r.applicationMetrics.find((a) => a.applicationId === 'cached-legacy')?.cacheMetrics.hitCount ??
            0) >= 1,
      );
      expect(
        report.applicationMetrics.find((a) => a.applicationId === 'cached-legacy')?.cacheMetrics.hitCount,
      ).toBeGreaterThanOrEqual(1);
    });
  },
);

describe('the semantic cache, distributed mode, when Redis dies mid-run', () => {
  let mock: MockLlm;
  let redis: ThrowawayRedis;
  let deployment: Awaited<ReturnType<typeof deploy>>;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockLlm({ port: 0 });
    redis = await ThrowawayRedis.start();
    deployment = await deploy('distributed', mock, { REDIS_URL: redis.url });
    client = new OpenAI({ apiKey: KEY, baseURL: deployment.gateway.baseUrl, maxRetries: 0 });
  }, 180_000);

  afterAll(async () => {
    await redis?.restart();
    await deployment?.stop();
    await redis?.kill();
    await mock?.close();
  });

  it('keeps answering every request, as cache misses', async () => {
    const ask = (content: string) =>
      client.chat.completions
        .create({ model: 'cached-chat', messages: [{ role: 'user', content }] })
        .withResponse();
    await ask('Cached before the outage');
    await eventually(
      () => ask('Cached before the outage'),
      (r) => r.response.headers.get('x-aigw-cache') === 'hit',
    );
    const unavailable = async () => {
      const exposition = await (await fetch(`${deployment.gateway.origin}/metrics`)).text();
      const line = /^aigw_cache_unavailable_total\{application="cached-chat"\} (\d+)$/m.exec(exposition);
      return line === null ? null : Number(line[1]);
    };
    expect(await unavailable()).toBe(0);
    await redis.kill();
    for (const content of ['Cached before the outage', 'A new question during the outage']) {
      const { data, response } = await ask(content);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-aigw-cache')).toBe('miss');
      expect(data.choices[0]?.message.content).toBe(`Mock reply to: ${content}`);
    }
    const { data: stream, response } = await client.chat.completions
      .create({
        model: 'cached-chat',
        messages: [{ role: 'user', content: 'Streamed during the outage' }],
        stream: true,
      })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(response.headers.get('x-aigw-cache')).toBe('miss');
    expect(text).toBe('Mock reply to: Streamed during the outage');
    // Each of the three served as a miss because the cache could not answer, on /metrics.
    expect(await unavailable()).toBe(3);
  });
});
