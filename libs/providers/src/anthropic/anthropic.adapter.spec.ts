import { GatewayError } from '@aigw/contracts';
import { endpointFixture } from '../test/endpoint.fixture';
import { drain, fixtureJson, fixtureText } from '../test/fixtures';
import type { TestHandler, TestUpstream } from '../test/test-upstream';
import { json, startTestUpstream } from '../test/test-upstream';
import { UpstreamHttpClient } from '../upstream/upstream-http.client';
import { ANTHROPIC_OVERLOADED_COOLDOWN_MS } from './anthropic-error.mapper';
import { AnthropicAdapter } from './anthropic.adapter';

type Chunk = Record<string, unknown>;

/** Compares chunks without the clock: `created` is the time of the call. */
const withoutCreated = (chunks: readonly unknown[]) =>
  chunks.map((c) => ({ ...(c as Chunk), created: expect.any(Number) as number }));

describe('AnthropicAdapter', () => {
  let handler: TestHandler;
  let upstream: TestUpstream;
  const http = new UpstreamHttpClient();
  const signal = new AbortController().signal;
  const adapter = (settings: Parameters<typeof endpointFixture>[0] = {}) =>
    new AnthropicAdapter(
      http,
      endpointFixture({ provider: 'anthropic', apiKey: 'sk-ant-secret', ...settings }),
      `${upstream.url}/v1/`,
    );

  beforeAll(async () => {
    upstream = await startTestUpstream((req, res) => handler(req, res));
  });
  beforeEach(() => {
    upstream.requests.length = 0;
  });
  afterAll(async () => {
    await http.close();
    await upstream.close();
  });

  it('posts a Messages request with x-api-key and anthropic-version, and answers a chat.completion', async () => {
    handler = (_req, res) => json(res, 200, fixtureJson(__dirname, 'message-tool-use.response.json'));
    const body = { ...fixtureJson(__dirname, 'chat-tools.openai-request.json'), stream: false };
    const result = await adapter().chat(body, signal);

    const [seen] = upstream.requests;
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/v1/messages');
    expect(seen.headers).toMatchObject({
      'x-api-key': 'sk-ant-secret',
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
    });
    expect(seen.headers.authorization).toBeUndefined();
    const { stream: _stream, ...expectedBody } = fixtureJson(__dirname, 'chat-tools.anthropic-request.json');
    expect(seen.body).toEqual(expectedBody);

    const expected = fixtureJson(__dirname, 'message-tool-use.openai-completion.json');
    expect(result).toEqual({
      status: 200,
      body: { ...expected, created: expect.any(Number) as number },
      model: 'claude-sonnet-4-5-20250929',
      usage: { prompt_tokens: 385, completion_tokens: 74, total_tokens: 459 },
    });
  });

  it('streams SSE events as OpenAI chunks, then the usage chunk asked for', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(fixtureText(__dirname, 'stream-tool-use.sse'));
    };
    const body = fixtureJson(__dirname, 'chat-tools.openai-request.json');
    const stream = await adapter().chatStream(body, signal);
    const { chunks, error } = await drain(stream.chunks);

    expect(upstream.requests[0].body).toEqual(fixtureJson(__dirname, 'chat-tools.anthropic-request.json'));
    expect(upstream.requests[0].headers.accept).toBe('text/event-stream');
    expect(error).toBeNull();
    expect(stream.model).toBe('claude-sonnet-4-5');
    expect(chunks).toEqual(
      withoutCreated(fixtureJson<unknown[]>(__dirname, 'stream-tool-use.openai-chunks.json')),
    );
    expect(stream.usage()).toEqual({ prompt_tokens: 472, completion_tokens: 89, total_tokens: 561 });
  });

  it('applies the endpoint: model, max_tokens cap, options, auth header and version overrides', async () => {
    handler = (_req, res) => json(res, 200, fixtureJson(__dirname, 'message-text.response.json'));
    const endpoint = {
      model: 'claude-haiku-4-5',
      maxTokensCap: 256,
      options: { top_k: 40, metadata: { user_id: 'from-endpoint' } },
      authHeader: 'Authorization',
      authScheme: 'Bearer',
      apiVersion: '2023-01-01',
    };
    await adapter(endpoint).chat(
      { model: 'client', messages: [{ role: 'user', content: 'Hi' }], user: 'u' },
      signal,
    );

    const [seen] = upstream.requests;
    expect(seen.body).toEqual({
      model: 'claude-haiku-4-5',
      max_tokens: 256,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      metadata: { user_id: 'from-endpoint' },
      top_k: 40,
    });
    expect(seen.headers.authorization).toBe('Bearer sk-ant-secret');
    expect(seen.headers['x-api-key']).toBeUndefined();
    expect(seen.headers['anthropic-version']).toBe('2023-01-01');
  });

  it.each([
    [429, 'error-rate-limit.json', { 'retry-after': '7' }, { kind: 'rate_limited', retryAfterMs: 7_000 }],
    [
      529,
      'error-overloaded.json',
      {},
      { kind: 'server_error', retryAfterMs: ANTHROPIC_OVERLOADED_COOLDOWN_MS },
    ],
  ])('a %i fails over before the stream starts', async (status, name, headers, failure) => {
    handler = (_req, res) => json(res, status, fixtureJson(__dirname, name), headers);
    await expect(
      adapter().chatStream({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }, signal),
    ).rejects.toMatchObject({ name: 'UpstreamFailure', status, ...failure });
  });

  it('fails the stream on an error event after the chunks before it', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(fixtureText(__dirname, 'stream-overloaded.sse'));
    };
    const stream = await adapter().chatStream(
      { model: 'm', messages: [{ role: 'user', content: 'Hi' }] },
      signal,
    );
    const { chunks, error } = await drain(stream.chunks);
    expect(chunks).toHaveLength(2);
    expect(error).toMatchObject({
      name: 'UpstreamFailure',
      reason: 'the upstream failed mid-stream: Overloaded',
    });
  });

  it.each(['completions', 'completionsStream', 'embeddings'] as const)(
    'rejects %s as a 400 without calling upstream',
    async (operation) => {
      const error = await adapter()
        [operation]({ model: 'm', prompt: 'x', input: 'x' }, signal)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ code: 'invalid_request', status: 400 });
      expect((error as GatewayError).message).toContain(
        'Provider anthropic (endpoint primary) does not support',
      );
      expect(upstream.requests).toHaveLength(0);
    },
  );

  it('rejects a request it cannot translate before calling upstream', async () => {
    const error = await adapter()
      .chat({ model: 'm', n: 3, messages: [{ role: 'user', content: 'Hi' }] }, signal)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_request', param: 'n' });
    expect(upstream.requests).toHaveLength(0);
  });
});
