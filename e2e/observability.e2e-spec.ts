import { sha256Hex } from '@aigw/config';
import type { MockLlm } from '@aigw/mock-llm';
import { startMockLlm } from '@aigw/mock-llm';
import type { PgliteProcess, ReceivedSpan, RunningDeployment } from '@aigw/testing';
import {
  OtlpReceiver,
  PrometheusServer,
  SpanKinds,
  dashboardSeries,
  findPrometheus,
  startDistributedDeployment,
  startEmbeddedDeployment,
  startPgliteProcess,
  waitUntil,
} from '@aigw/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';

// Span export is batched (100 ms): each case polls its trace.
jest.setTimeout(30_000);

/** Debian's `prometheus` package (.ci/run installs it); required in CI, skipped with a note elsewhere. */
const withPrometheus = findPrometheus() !== null || process.env['CI'] === 'true' ? it : it.skip;
if (findPrometheus() === null && process.env['CI'] !== 'true')
  process.stderr.write('observability e2e: no prometheus on the PATH, the real-scrape case is skipped\n');

const KEY = 'sk-e2e-observability-key-000000000';
const SECRET_PROMPT = 'the-prompt-text-that-must-not-leak';

function writeConfig(mockUrl: string): string {
  const ep = (id: string, priority: number) =>
    `      - { id: ${id}, provider: openai-compatible, url: '${mockUrl}/e/${id}/v1', model: upstream-model, priority: ${priority}, timeoutMs: 3000, allowPrivateNetwork: true }`;
  const yaml = `
auth:
  keys:
    - { id: obs, sha256: ${sha256Hex(KEY)} }
cacheSettings: { cacheEnabled: true, vectorizer: local, lookupTimeoutMs: 3000 }
applications:
  - id: cached
    type: chat
    cacheSettings: { useCache: true, searchType: CS, searchDistance: 0.8, searchContent: { includeRoles: user } }
    endpoints:
${ep('cached-main', 0)}
  - id: remembered
    type: chat
    memorySettings: { useMemory: true, msgCount: 5 }
    endpoints:
${ep('remembered-main', 0)}
  - id: traced
    type: chat
    endpoints:
${ep('main', 0)}
  - id: logged
    type: chat
    logging: { summaries: true, payloads: true }
    endpoints:
${ep('logged-main', 0)}
  - id: failing
    type: chat
    endpoints:
${ep('fail-primary', 0)}
${ep('fail-backup', 1)}
  - id: busy
    type: chat
    endpoints:
${ep('busy-a', 0)}
`;
  const dir = mkdtempSync(join(tmpdir(), 'aigw-obs-'));
  const path = join(dir, 'gateway.yaml');
  writeFileSync(path, yaml);
  return path;
}

const modes = [
  [
    'embedded',
    startEmbeddedDeployment,
    {
      gateway: 'aigw-embedded',
      router: 'aigw-embedded',
      metrics: 'aigw-embedded',
      cache: 'aigw-embedded',
      memory: 'aigw-embedded',
      redis: false,
    },
  ],
  [
    'distributed',
    startDistributedDeployment,
    {
      gateway: 'aigw-gateway',
      router: 'aigw-router',
      metrics: 'aigw-metrics',
      cache: 'aigw-cache',
      memory: 'aigw-memory',
      redis: true,
    },
  ],
] as const;

/** A Prometheus text exposition's series names (`name{…} value` and `name value` lines). */
function seriesIn(exposition: string): Set<string> {
  return new Set(
    exposition
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => line.split(/[{ ]/)[0] ?? ''),
  );
}

interface LogLine {
  readonly context?: string;
  readonly trace_id?: string;
  readonly message?: Record<string, unknown>;
}

function jsonLines(deployment: RunningDeployment): LogLine[] {
  return deployment.processes
    .flatMap((p) => p.output)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
}

describe.each(modes)('observability, %s mode', (mode, start, services) => {
  let mock: MockLlm;
  let otlp: OtlpReceiver;
  // Distributed: the cache's semantic tier needs pgvector, which the machine's Postgres lacks.
  let pglite: PgliteProcess | null = null;
  let gateway: RunningDeployment;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockLlm({ port: 0 });
    otlp = await OtlpReceiver.start();
    if (mode === 'distributed') pglite = await startPgliteProcess();
    gateway = await start({
      configPath: writeConfig(mock.url),
      env: { ...otlp.env(), LOG_LEVEL: 'info', ...(pglite ? { DATABASE_URL: pglite.url } : {}) },
      mockLlmUrl: mock.url,
      healthPorts: true,
      startTimeoutMs: 90_000,
    });
    client = new OpenAI({ apiKey: KEY, baseURL: gateway.baseUrl, maxRetries: 0 });
  }, 150_000);

  afterAll(async () => {
    await gateway?.stop();
    await pglite?.stop();
    await otlp?.close();
    await mock?.close();
  });

  const traceparent = () => {
    const traceId = randomBytes(16).toString('hex');
    return { traceId, header: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
  };

  /** A bus hop's spans, nearest the callee first: a consumer and a producer span over NATS, none in process. */
  const hop = (subject: string, callee: string): Array<[string, string]> =>
    mode === 'distributed'
      ? [
          [callee, `process ${subject}`],
          [services.gateway, `send ${subject}`],
        ]
      : [];

  const spansOf = async (traceId: string, done: (spans: ReceivedSpan[]) => boolean) => {
    await waitUntil(async () => done(otlp.trace(traceId)), 15_000, gateway.processes);
    return otlp.trace(traceId);
  };

  /** The span and its ancestors up to the root, by parent id (the ids the receiver has so far). */
  const ancestry = (spans: readonly ReceivedSpan[], span: ReceivedSpan): ReceivedSpan[] => {
    const chain = [span];
    for (;;) {
      const parent = spans.find((s) => s.spanId === chain.at(-1)?.parentSpanId);
      if (parent === undefined) return chain;
      chain.push(parent);
    }
  };

  /** Whether the trace has the span `leaf` picks and every span between it and the server span. */
  const reachesServer = (spans: readonly ReceivedSpan[], leaf: (s: ReceivedSpan) => boolean) => {
    const span = spans.find(leaf);
    return span !== undefined && ancestry(spans, span).at(-1)?.kind === SpanKinds.server;
  };

  /** The span named `name` of the trace once it and its ancestors arrived, and that chain (leaf first). */
  const chainOf = async (traceId: string, name: string) => {
    const spans = await spansOf(traceId, (found) => reachesServer(found, (s) => s.name === name));
    const leaf = spans.find((s) => s.name === name)!;
    return { leaf, chain: ancestry(spans, leaf).map((s) => [s.service, s.name]) };
  };

  it('follows one request in one trace: gateway server span, bus hop, router, GenAI upstream span, usage job', async () => {
    const { traceId, header } = traceparent();
    await client.chat.completions.create(
      { model: 'traced', messages: [{ role: 'user', content: SECRET_PROMPT }], max_tokens: 50 },
      { headers: { traceparent: header } },
    );
    const spans = await spansOf(
      traceId,
      (found) =>
        // Each process exports on its own schedule: wait for the spans of all of them.
        [
          (s: ReceivedSpan) => s.kind === SpanKinds.server,
          (s: ReceivedSpan) => s.name === 'add usage.usage.batch',
          (s: ReceivedSpan) => s.kind === SpanKinds.consumer && s.name === 'process usage',
          (s: ReceivedSpan) => s.name.startsWith('pg.query:COMMIT'),
          (s: ReceivedSpan) => !services.redis || s.name === 'evalsha',
        ].every((wanted) => found.some(wanted)) &&
        reachesServer(found, (s) => s.name === 'chat upstream-model'),
    );
    const find = (predicate: (s: ReceivedSpan) => boolean, what: string) => {
      const span = spans.find(predicate);
      if (!span)
        throw new Error(`no ${what} in ${JSON.stringify(spans.map((s) => [s.service, s.kind, s.name]))}`);
      return span;
    };
    const server = find((s) => s.kind === SpanKinds.server, 'server span');
    expect([server.service, server.name]).toEqual([services.gateway, 'POST /v1/chat/completions']);
    expect(server.attributes['http.response.status_code']).toBe(200);
    const upstream = find(
      (s) => s.kind === SpanKinds.client && s.name === 'chat upstream-model',
      'GenAI span',
    );
    expect(upstream.service).toBe(services.router);
    // Over NATS the router's side hangs off the bus hop; in process the router runs in the gateway's span.
    expect(ancestry(spans, upstream).map((s) => [s.service, s.name])).toEqual([
      [services.router, 'chat upstream-model'],
      ...hop('router.v1.chat', services.router),
      [services.gateway, 'POST /v1/chat/completions'],
    ]);
    if (mode === 'distributed') {
      const producer = find((s) => s.name === 'send router.v1.chat', 'producer');
      expect([producer.kind, producer.attributes['messaging.destination.name']]).toEqual([
        SpanKinds.producer,
        'router.v1.chat',
      ]);
      const consumer = find((s) => s.name === 'process router.v1.chat', 'consumer');
      expect([consumer.kind, consumer.attributes['messaging.system']]).toEqual([SpanKinds.consumer, 'nats']);
    }
    expect(upstream.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai-compatible',
      'gen_ai.request.model': 'upstream-model',
      'gen_ai.request.max_tokens': 50,
      'aigw.application.id': 'traced',
      'aigw.endpoint.id': 'main',
    });
    expect(upstream.attributes['gen_ai.response.model']).toEqual(expect.any(String));
    expect(upstream.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(upstream.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    // The upstream request carried the GenAI span as its parent.
    const [request] = mock.control.requests('main');
    expect(request?.headers.traceparent).toContain(upstream.spanId);
    // The usage record: queued by the gateway, its job run by the metrics service, which writes Postgres.
    const queued = find(
      (s) => s.kind === SpanKinds.producer && s.name === 'add usage.usage.batch',
      'job add',
    );
    expect([queued.service, queued.parentSpanId]).toEqual([services.gateway, server.spanId]);
    const job = find((s) => s.kind === SpanKinds.consumer && s.name === 'process usage', 'job run');
    expect([job.service, job.parentSpanId]).toEqual([services.metrics, queued.spanId]);
    expect(spans.some((s) => s.service === services.metrics && s.name.startsWith('pg.query:INSERT'))).toBe(
      true,
    );
    // Redis, where there is one (BullMQ's add is a script).
    if (services.redis)
      expect(spans.some((s) => s.name === 'evalsha' && s.parentSpanId === queued.spanId)).toBe(true);
    // No prompt text on any span unless opted in.
    expect(JSON.stringify(spans)).not.toContain(SECRET_PROMPT);
  });

  it('shows the cache lookup and the memory load as spans of their own, under the gateway, with what they found', async () => {
    const ask = (model: string, content: string, headers: Record<string, string>) =>
      client.chat.completions
        .create({ model, messages: [{ role: 'user', content }] }, { headers })
        .withResponse();
    // A miss, then (once the write job has run) an exact hit, then a semantic one: other words' spacing.
    const miss = traceparent();
    await ask('cached', 'What is an HNSW index?', { traceparent: miss.header });
    await waitUntil(
      async () =>
        (await ask('cached', 'What is an HNSW index?', {})).response.headers.get('x-aigw-cache') === 'hit',
      15_000,
      gateway.processes,
    );
    const hit = traceparent();
    const answered = await ask('cached', 'what is an HNSW index!!', { traceparent: hit.header });
    expect(answered.response.headers.get('x-aigw-cache-tier')).toBe('semantic');

    const lookupOf = async (traceId: string) => {
      const { leaf: lookup, chain } = await chainOf(traceId, 'cache lookup');
      expect(chain).toEqual([
        [services.cache, 'cache lookup'],
        ...hop('cache.v1.lookup', services.cache),
        [services.gateway, 'POST /v1/chat/completions'],
      ]);
      return lookup.attributes;
    };
    expect(await lookupOf(miss.traceId)).toMatchObject({
      'aigw.application.id': 'cached',
      'aigw.cache.result': 'miss',
      'aigw.cache.search_type': 'CS',
    });
    const semantic = await lookupOf(hit.traceId);
    expect(semantic).toMatchObject({
      'aigw.application.id': 'cached',
      'aigw.cache.result': 'hit',
      'aigw.cache.tier': 'semantic',
    });
    expect(semantic['aigw.cache.similarity']).toBeCloseTo(
      Number(answered.response.headers.get('x-aigw-cache-similarity')),
      3,
    );

    // Memory: a new thread, then its continuation (which loads it), then an unknown thread.
    const first = await ask('remembered', 'remember me', {});
    const threadId = first.response.headers.get('x-thread-id')!;
    const loadOf = async (headers: Record<string, string>) => {
      const { traceId, header } = traceparent();
      await ask('remembered', 'and now?', { ...headers, traceparent: header }).catch(() => undefined);
      const { leaf: load, chain } = await chainOf(traceId, 'memory load');
      expect(chain).toEqual([
        [services.memory, 'memory load'],
        ...hop('memory.v1.load', services.memory),
        [services.gateway, 'POST /v1/chat/completions'],
      ]);
      return load;
    };
    await waitUntil(
      async () => (await ask('remembered', 'ping', { 'x-thread-id': threadId }).catch(() => null)) !== null,
      15_000,
      gateway.processes,
    );
    const found = await loadOf({ 'x-thread-id': threadId });
    expect(found.attributes).toMatchObject({
      'aigw.application.id': 'remembered',
      'aigw.memory.thread_found': true,
    });
    expect(found.attributes['aigw.memory.history_messages']).toBeGreaterThanOrEqual(2);
    const unknown = await loadOf({ 'x-thread-id': '00000000-0000-4000-8000-000000000000' });
    expect(unknown.attributes['aigw.memory.thread_found']).toBe(false);
    expect(unknown.statusCode).not.toBe(2);
  });

  it('records a stream as one GenAI span with its usage, and a failover as a failed upstream span', async () => {
    const streamed = traceparent();
    const stream = await client.chat.completions.create(
      {
        model: 'traced',
        messages: [{ role: 'user', content: 'stream it' }],
        stream: true,
        stream_options: { include_usage: true },
      },
      { headers: { traceparent: streamed.header } },
    );
    for await (const _chunk of stream);
    const streamSpans = await spansOf(streamed.traceId, (found) =>
      found.some((s) => s.kind === SpanKinds.client && s.attributes['aigw.stream'] === true),
    );
    // The GenAI span, not a Redis client span of the router's limits or shared state.
    const upstream = streamSpans.find(
      (s) => s.kind === SpanKinds.client && s.attributes['aigw.stream'] === true,
    );
    expect(upstream?.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);

    mock.control.script('fail-primary', [{ status: 500 }]);
    const failover = traceparent();
    await client.chat.completions.create(
      { model: 'failing', messages: [{ role: 'user', content: 'fail over' }] },
      { headers: { traceparent: failover.header } },
    );
    const spans = await spansOf(
      failover.traceId,
      (found) => found.filter((s) => s.kind === SpanKinds.client && s.name.startsWith('chat ')).length === 2,
    );
    const calls = spans.filter((s) => s.kind === SpanKinds.client);
    expect(
      calls.map((s) => [s.attributes['aigw.endpoint.id'], s.statusCode, s.attributes['error.type']]),
    ).toEqual(
      expect.arrayContaining([
        ['fail-primary', 2, 'server_error'],
        ['fail-backup', 0, undefined],
      ]),
    );
  });

  it('writes one access-log line per request with the LLM fields, and the request log where configured', async () => {
    const { traceId, header } = traceparent();
    await client.chat.completions.create(
      { model: 'logged', messages: [{ role: 'user', content: 'log my payload' }] },
      { headers: { traceparent: header } },
    );
    const stream = await client.chat.completions.create({
      model: 'traced',
      messages: [{ role: 'user', content: 'stream for the log' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _chunk of stream);
    await waitUntil(
      async () =>
        jsonLines(gateway).some((l) => l.context === 'RequestLog' && l.message?.['trace_id'] === traceId),
      10_000,
    );
    const lines = jsonLines(gateway);
    const access = lines.filter((l) => l.context === 'AccessLog').map((l) => l.message ?? {});
    const chat = access.find((a) => a['trace_id'] === traceId);
    expect(chat).toMatchObject({
      request_type: 'ai_chat',
      route: '/v1/chat/completions',
      status: 200,
      application: 'logged',
      request_llm_model: 'logged',
      llm_model: 'upstream-model',
      consumer: 'obs',
    });
    expect(chat?.['llm_prompt_tokens']).toBeGreaterThan(0);
    expect(chat?.['llm_completion_tokens']).toBeGreaterThan(0);
    expect(chat?.['upstream_response_time_ms']).toBeGreaterThan(0);
    await waitUntil(
      async () =>
        jsonLines(gateway).some(
          (l) => l.context === 'AccessLog' && l.message?.['request_type'] === 'ai_stream',
        ),
      10_000,
    );
    const streamed = jsonLines(gateway).find(
      (l) => l.context === 'AccessLog' && l.message?.['request_type'] === 'ai_stream',
    )?.message;
    expect(streamed?.['llm_time_to_first_token']).toEqual(expect.any(Number));
    const requestLog = lines.find((l) => l.context === 'RequestLog' && l.message?.['trace_id'] === traceId);
    expect(requestLog?.message).toMatchObject({ application: 'logged', summary: { status: 200 } });
    expect(JSON.stringify(requestLog?.message?.['request'])).toContain('log my payload');
    // Payloads are logged only where configured: the traced app's prompts never appear.
    expect(lines.some((l) => JSON.stringify(l).includes(SECRET_PROMPT))).toBe(false);
    expect(lines.some((l) => l.context === 'RequestLog' && l.message?.['application'] === 'traced')).toBe(
      false,
    );
  });

  it('exports every series the dashboards query, once traffic has gone through', async () => {
    mock.control.script('busy-a', [{ status: 429, retryAfter: '30' }]);
    await client.chat.completions
      .create({ model: 'busy', messages: [{ role: 'user', content: 'busy' }] })
      .catch(() => undefined);
    mock.control.script('fail-primary', [{ status: 500 }]);
    await client.chat.completions.create({ model: 'failing', messages: [{ role: 'user', content: 'x' }] });

    const scrape = async (origin: string) => (await fetch(`${origin}/metrics`)).text();
    const expositions = [
      await scrape(gateway.origin),
      ...(await Promise.all(Object.values(gateway.healthOrigins).map(scrape))),
    ];
    const exported = new Set(expositions.flatMap((text) => [...seriesIn(text)]));
    const expected = dashboardSeries().filter((series) => series !== 'up');
    expect(expected.length).toBeGreaterThan(10);
    expect(expected.filter((series) => !exported.has(series))).toEqual([]);
    // No high-cardinality label: never the key id, a request id or the prompt.
    const all = expositions.join('\n');
    expect(all).not.toContain('="obs"');
    expect(all).not.toContain(SECRET_PROMPT);
  });

  withPrometheus(
    'a real Prometheus scraping every process every second has samples of every series the dashboards query',
    async () => {
      const origins = [gateway.origin, ...Object.values(gateway.healthOrigins)];
      const prometheus = await PrometheusServer.start(origins);
      try {
        const answered = async () =>
          (await prometheus.query('sum(aigw_requests_total{application="traced",status_class="2xx"})'))[0]
            ?.value ?? 0;
        const before = await answered();
        // Traffic while it scrapes: an answered request, a stream, a failover, a 429.
        await client.chat.completions.create({
          model: 'traced',
          messages: [{ role: 'user', content: 'scraped' }],
        });
        const stream = await client.chat.completions.create({
          model: 'traced',
          messages: [{ role: 'user', content: 'scraped stream' }],
          stream: true,
          stream_options: { include_usage: true },
        });
        for await (const _chunk of stream);
        mock.control.script('fail-primary', [{ status: 500 }]);
        await client.chat.completions.create({
          model: 'failing',
          messages: [{ role: 'user', content: 'y' }],
        });
        mock.control.script('busy-a', [{ status: 429, retryAfter: '30' }]);
        await client.chat.completions
          .create({ model: 'busy', messages: [{ role: 'user', content: 'busy' }] })
          .catch(() => undefined);
        // The next scrapes count them.
        await waitUntil(async () => (await answered()) >= before + 2, 10_000);

        const up = await prometheus.query('up');
        expect(up.map((s) => [s.metric['instance'], s.value]).sort()).toEqual(
          origins.map((o) => [new URL(o).host, 1]).sort(),
        );
        const missing = async () => {
          const empty: string[] = [];
          for (const series of dashboardSeries())
            if ((await prometheus.query(`count(${series})`)).length === 0) empty.push(series);
          return empty;
        };
        // Scraped every second: every series shows up within a few intervals.
        await waitUntil(async () => (await missing()).length === 0, 15_000).catch(() => undefined);
        expect(await missing()).toEqual([]);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n--- prometheus ---\n${prometheus.describe()}`);
      } finally {
        await prometheus.stop();
      }
    },
  );
});
