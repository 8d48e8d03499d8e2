import type { MockLlm } from '@aigw/mock-llm';
import { startMockLlm } from '@aigw/mock-llm';
import type { RunningDeployment } from '@aigw/testing';
import { startDistributedDeployment, startEmbeddedDeployment } from '@aigw/testing';
import type { MetricsReport } from '@aigw/contracts';
import { MetricsReportSchema } from '@aigw/contracts';
import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import OpenAI, { AzureOpenAI } from 'openai';
import { AZURE_UPSTREAM_KEY, BODY_LIMIT, FULL_KEY, LIMITED_KEY, writeE2eConfig } from './e2e-config';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

const modes = [
  ['embedded', startEmbeddedDeployment],
  ['distributed', startDistributedDeployment],
] as const;

describe.each(modes)('the gateway, %s mode, driven by the official openai SDK', (mode, start) => {
  let mock: MockLlm;
  let gateway: RunningDeployment;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockLlm({ port: 0 });
    gateway = await start({
      configPath: writeE2eConfig(mock.url),
      env: { E2E_AZURE_KEY: AZURE_UPSTREAM_KEY },
      mockLlmUrl: mock.url,
    });
    client = new OpenAI({ apiKey: FULL_KEY, baseURL: gateway.baseUrl, maxRetries: 0 });
  }, 90_000);

  afterAll(async () => {
    await gateway?.stop();
    await mock?.close();
  });

  beforeEach(() => mock.control.reset());

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${gateway.origin}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FULL_KEY}`, 'content-type': 'application/json', ...headers },
      body,
    });

  it('answers a chat completion, with a request id, without forwarding the client key', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Mock reply to: Hello there');
    expect(data.usage?.total_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-request-id')).toMatch(/.+/);
    // The upstream's JSON text is relayed as is, still labelled as JSON.
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const [upstream] = mock.control.requests('main');
    expect(upstream?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(upstream?.headers)).not.toContain(FULL_KEY);
  });

  it('forwards none of the client headers upstream and never echoes an unsafe request id', async () => {
    const clientHeaders = {
      cookie: 'session=secret-cookie',
      'x-api-key': 'sk-client-anthropic-key',
      'proxy-authorization': 'Basic c2VjcmV0',
      connection: 'keep-alive, x-hop',
      'x-hop': 'hop-by-hop',
      'x-forwarded-host': 'evil.example',
      'x-request-id': 'spoofed id <script>',
    };
    // node:http, since fetch refuses to send hop-by-hop headers at all.
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${gateway.origin}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          ...clientHeaders,
          authorization: `Bearer ${FULL_KEY}`,
          'content-type': 'application/json',
        },
      });
      req.on('response', resolve).on('error', reject);
      req.end(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }));
    });
    res.resume();
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const [upstream] = mock.control.requests('main');
    const sent = Object.keys(upstream?.headers ?? {});
    for (const name of [...Object.keys(clientHeaders), 'authorization'])
      expect(sent).not.toContain(name === 'connection' ? 'x-hop' : name);
    expect(JSON.stringify(upstream?.headers)).not.toMatch(/secret|evil|sk-client|spoofed/);
  });

  it.each([
    ['a bare CR in a header value', 'x-request-id: a\rx-injected: 1'],
    ['a bare LF in a header value', 'x-request-id: a\nx-injected: 1'],
    ['a header name with a space', 'bad header: 1'],
  ])('refuses a request with %s at the HTTP parser (400)', async (_case, line) => {
    const socket = connect(Number(new URL(gateway.origin).port), '127.0.0.1');
    let answer = '';
    socket.on('data', (data: Buffer) => (answer += data.toString('latin1')));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.on('error', () => undefined);
    socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n${line}\r\nContent-Length: 0\r\n\r\n`);
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).not.toContain('x-injected');
    expect(mock.control.requests()).toHaveLength(0);
  });

  it('selects the application by a model alias and carries the caller trace context upstream', async () => {
    await client.chat.completions.create(
      { model: 'chat-alias', messages: [{ role: 'user', content: 'trace me' }] },
      { headers: { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` } },
    );
    const [upstream] = mock.control.requests('main');
    expect(upstream?.headers.traceparent).toContain(TRACE_ID);
  });

  it('streams server-sent events and adds the usage chunk when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'stream this please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe('Mock reply to: stream this please');
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('answers embeddings as base64 (the SDK default) and as floats', async () => {
    const b64 = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['one', 'two'] });
    const floats = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['one', 'two'],
      encoding_format: 'float',
    });
    expect(b64.data).toHaveLength(2);
    expect(b64.data[0]?.embedding).toHaveLength(1536);
    b64.data[0]?.embedding.forEach((v, i) => expect(v).toBeCloseTo(floats.data[0]?.embedding[i] ?? NaN, 5));
  });

  it('serves legacy completions, the Azure deployment route and the ganrad route', async () => {
    const legacy = await client.completions.create({ model: 'legacy', prompt: 'Say hi' });
    expect(legacy.choices[0]?.text).toContain('Say hi');

    const azure = new AzureOpenAI({
      endpoint: gateway.origin,
      apiKey: FULL_KEY,
      apiVersion: '2024-10-21',
      deployment: 'azure-chat',
      maxRetries: 0,
    });
    const viaAzure = await azure.chat.completions.create({
      model: 'azure-chat',
      messages: [{ role: 'user', content: 'from azure sdk' }],
    });
    expect(viaAzure.choices[0]?.message.content).toBe('Mock reply to: from azure sdk');
    const [upstream] = mock.control.requests('azure');
    expect(upstream?.path).toContain('/openai/deployments/dep-1/chat/completions');
    expect(upstream?.headers['api-key']).toBe(AZURE_UPSTREAM_KEY);

    const ganrad = await post(
      '/api/v1/dev/apirouter/lb/gpt-4o-mini',
      JSON.stringify({ messages: [{ role: 'user', content: 'ganrad' }] }),
    );
    expect(ganrad.status).toBe(200);
    expect(
      ((await ganrad.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message
        .content,
    ).toBe('Mock reply to: ganrad');
  });

  it('lists the models a key may use and 404s on others', async () => {
    const all = await client.models.list();
    expect(all.data.map((m) => m.id)).toEqual(
      expect.arrayContaining(['gpt-4o-mini', 'chat-alias', 'text-embedding-3-small']),
    );
    const limited = new OpenAI({ apiKey: LIMITED_KEY, baseURL: gateway.baseUrl, maxRetries: 0 });
    expect((await limited.models.list()).data.map((m) => m.id)).toEqual(['text-embedding-3-small']);
    expect((await client.models.retrieve('gpt-4o-mini')).id).toBe('gpt-4o-mini');
    await expect(client.models.retrieve('no-such-model')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('fails over on a 429 and keeps the endpoint cooling down for its retry-after', async () => {
    mock.control.script('f429-primary', [{ status: 429, retryAfter: '30' }]);
    const first = await client.chat.completions
      .create({ model: 'failover-429', messages: [{ role: 'user', content: 'a' }] })
      .withResponse();
    expect(first.response.headers.get('x-aigw-endpoint')).toBe('f429-backup');
    const second = await client.chat.completions
      .create({ model: 'failover-429', messages: [{ role: 'user', content: 'b' }] })
      .withResponse();
    expect(second.response.headers.get('x-aigw-endpoint')).toBe('f429-backup');
    expect(mock.control.requests('f429-primary')).toHaveLength(1);
  });

  it('fails over on a 5xx', async () => {
    mock.control.script('f5xx-primary', [{ status: 500 }]);
    const { response } = await client.chat.completions
      .create({ model: 'failover-5xx', messages: [{ role: 'user', content: 'a' }] })
      .withResponse();
    expect(response.headers.get('x-aigw-endpoint')).toBe('f5xx-backup');
    expect(mock.control.requests('f5xx-primary')).toHaveLength(1);
  });

  it('answers 429 with the smallest retry-after when every endpoint is busy', async () => {
    mock.control.script('busy-a', [{ status: 429, retryAfter: '7' }]);
    mock.control.script('busy-b', [{ status: 429, retryAfter: '3' }]);
    const error = await client.chat.completions
      .create({ model: 'all-busy', messages: [{ role: 'user', content: 'a' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(Number(rateLimit.headers?.get('retry-after'))).toBeGreaterThanOrEqual(2);
    expect(Number(rateLimit.headers?.get('retry-after'))).toBeLessThanOrEqual(3);
    expect(rateLimit.error).toMatchObject({ code: 'rate_limit_exceeded' });
  });

  it('aborts the upstream request within a second when the client goes away mid-stream', async () => {
    mock.control.script('slow', [{ chunks: 100, chunkDelayMs: 100 }]);
    const abort = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'slow-stream', messages: [{ role: 'user', content: 'a long answer please' }], stream: true },
      { signal: abort.signal },
    );
    let received = 0;
    try {
      for await (const _chunk of stream) {
        if (++received === 2) abort.abort();
      }
    } catch {
      // the SDK raises on abort
    }
    const abortedAt = Date.now();
    await mock.control.waitFor((requests) => requests.some((r) => r.instance === 'slow' && r.aborted), 1000);
    expect(Date.now() - abortedAt).toBeLessThan(1000);
  });

  describe('client mistakes get the OpenAI error shape and a 4xx', () => {
    const chat = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });

    it.each([
      ['malformed JSON', () => post('/v1/chat/completions', '{"model": '), 400, 'invalid_json', null],
      [
        'a wrong type',
        () => post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: 'hi' })),
        400,
        'invalid_request',
        'messages',
      ],
      [
        'missing messages',
        () => post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini' })),
        400,
        'invalid_request',
        'messages',
      ],
      [
        'an unknown model',
        () =>
          post(
            '/v1/chat/completions',
            JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }),
          ),
        404,
        'model_not_found',
        'model',
      ],
      [
        'a body over the limit',
        () =>
          post(
            '/v1/chat/completions',
            JSON.stringify({
              model: 'gpt-4o-mini',
              messages: [{ role: 'user', content: 'x'.repeat(BODY_LIMIT) }],
            }),
          ),
        413,
        'payload_too_large',
        null,
      ],
      [
        'no API key',
        () => post('/v1/chat/completions', chat, { authorization: '' }),
        401,
        'invalid_api_key',
        null,
      ],
      [
        'an unknown API key',
        () => post('/v1/chat/completions', chat, { authorization: 'Bearer sk-wrong' }),
        401,
        'invalid_api_key',
        null,
      ],
      [
        'a key not allowed on the application',
        () => post('/v1/chat/completions', chat, { authorization: `Bearer ${LIMITED_KEY}` }),
        403,
        'application_not_allowed',
        'model',
      ],
      ['an unknown route', () => post('/v1/nothing-here', chat), 404, 'route_not_found', null],
    ] as const)('%s', async (_case, send, status, code, param) => {
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.headers.get('x-request-id')).toMatch(/.+/);
      const { error } = (await res.json()) as { error: Record<string, unknown> };
      expect(Object.keys(error).sort()).toEqual(['code', 'message', 'param', 'type']);
      expect([typeof error.message, typeof error.type, error.param, error.code]).toEqual([
        'string',
        'string',
        param,
        code,
      ]);
    });

    it('names the bad key as a 401 to the SDK, which does not retry it', async () => {
      const bad = new OpenAI({ apiKey: 'sk-wrong', baseURL: gateway.baseUrl, maxRetries: 2 });
      await expect(
        bad.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
      ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
      expect(mock.control.requests()).toHaveLength(0);
    });

    it.each([
      ['its headers', 'POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n', 'x-slow: 1\r\n'],
      [
        'its body',
        'POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
        ' ',
      ],
    ])(
      'closes a connection that trickles %s (slowloris)',
      async (_part, opening, trickle) => {
        const socket = connect(Number(new URL(gateway.origin).port), '127.0.0.1');
        let closed = false;
        let answer = '';
        socket.on('data', (data: Buffer) => (answer += data.toString('latin1')));
        socket.on('close', () => (closed = true));
        socket.on('error', () => undefined);
        socket.write(opening);
        // One byte every 100 ms keeps the connection busy forever unless the server bounds it.
        const started = Date.now();
        while (!closed && Date.now() - started < 15_000) {
          socket.write(trickle);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        socket.destroy();
        expect(closed).toBe(true);
        // Node answers 408 when it can still speak HTTP on the connection, else it just closes it.
        if (answer !== '') expect(answer).toMatch(/^HTTP\/1\.1 408/);
      },
      20_000,
    );

    it('answers 429 to a client that keeps guessing keys, even once it guesses right', async () => {
      // A client of its own behind the trusted proxy (loopback), so the other tests' address stays clear.
      const guesser = { 'x-forwarded-for': `203.0.113.${mode === 'embedded' ? 1 : 2}` };
      const guess = (key: string) =>
        post('/v1/chat/completions', chat, { ...guesser, authorization: `Bearer ${key}` });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await guess(`sk-guess-${i}`)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401]);
      const blocked = await guess(FULL_KEY);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(500);
      expect(((await blocked.json()) as { error: { code: string } }).error.code).toBe('rate_limit_exceeded');
      expect((await post('/v1/chat/completions', chat)).status).toBe(200);
      expect(mock.control.requests()).toHaveLength(1);
    });
  });

  it('reports usage metrics per application and endpoint, to a key only for its applications', async () => {
    const metrics = (key: string, path = '/api/v1/dev/apirouter/metrics') =>
      fetch(`${gateway.origin}${path}`, { headers: { authorization: `Bearer ${key}` } });
    const report = async (key = FULL_KEY, path?: string): Promise<MetricsReport> => {
      const res = await metrics(key, path);
      expect(res.status).toBe(200);
      return MetricsReportSchema.parse(await res.json());
    };
    const main = (r: MetricsReport) =>
      r.applicationMetrics
        .find((a) => a.applicationId === 'gpt-4o-mini')
        ?.endpointMetrics.find((e) => e.endpoint === 'main');
    // Earlier cases used `main` too (and, distributed, earlier runs on the same Postgres): count from here.
    const before = main(await report())?.metrics.apiCalls ?? 0;
    for (const n of [1, 2, 3])
      await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: `n${n}` }],
      });

    // Usage is aggregated off the request path: poll, with a deadline.
    const deadline = Date.now() + 15_000;
    let latest = await report();
    while ((main(latest)?.metrics.apiCalls ?? 0) < before + 3) {
      if (Date.now() > deadline)
        throw new Error(`main shows ${main(latest)?.metrics.apiCalls} calls, not ${before + 3}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      latest = await report();
    }
    expect(main(latest)).toMatchObject({ endpoint: 'main', uri: `${mock.url}/e/main/v1`, priority: 0 });
    expect(main(latest)?.metrics.kInferenceTokens).toBeGreaterThan(0);
    expect(latest).toMatchObject({
      listenPort: Number(new URL(gateway.origin).port),
      collectionIntervalMins: 1,
      historyCount: 10,
      endpointUri: '/api/v1/dev/apirouter/metrics',
      status: 'OK',
    });
    expect(JSON.stringify(latest)).not.toContain(AZURE_UPSTREAM_KEY);

    const viaV1 = await report(FULL_KEY, '/v1/usage-metrics');
    expect(viaV1.applicationMetrics.map((a) => a.applicationId)).toEqual(
      latest.applicationMetrics.map((a) => a.applicationId),
    );
    expect(viaV1.endpointUri).toBe('/v1/usage-metrics');
    const limited = await report(LIMITED_KEY);
    expect(limited.applicationMetrics.map((a) => a.applicationId)).toEqual(['text-embedding-3-small']);
    expect((await metrics('sk-wrong')).status).toBe(401);
  });

  it('reaches every service over the bus', async () => {
    const res = await fetch(`${gateway.origin}/health`);
    const body = (await res.json()) as { services: Array<{ service: string; status: string }> };
    expect(res.status).toBe(200);
    expect(body.services.map((s) => [s.service, s.status])).toEqual([
      ['router', 'ok'],
      ['cache', 'ok'],
      ['memory', 'ok'],
      ['metrics', 'ok'],
      ['admin', 'ok'],
    ]);
  });
});
