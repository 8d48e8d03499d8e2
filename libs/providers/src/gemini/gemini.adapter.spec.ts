import { GatewayError } from '@aigw/contracts';
import { endpointFixture } from '../test/endpoint.fixture';
import { drain, fixtureJson, fixtureText } from '../test/fixtures';
import type { TestHandler, TestUpstream } from '../test/test-upstream';
import { json, startTestUpstream } from '../test/test-upstream';
import { float32Base64 } from '../openai-compatible/openai-embeddings.mapper';
import { UpstreamHttpClient } from '../upstream/upstream-http.client';
import { GeminiAdapter } from './gemini.adapter';

/** Compares chunks without the clock and the minted tool-call ids: those depend on the call. */
function comparable(chunks: readonly unknown[]): unknown[] {
  return chunks.map((c) => {
    const text = JSON.stringify({ ...(c as Record<string, unknown>), created: 0 });
    return JSON.parse(text.replace(/"call_[0-9a-f]+/g, '"call_ID')) as unknown;
  });
}

describe('GeminiAdapter', () => {
  let handler: TestHandler;
  let upstream: TestUpstream;
  const http = new UpstreamHttpClient();
  const signal = new AbortController().signal;
  const adapter = (settings: Parameters<typeof endpointFixture>[0] = {}) =>
    new GeminiAdapter(
      http,
      endpointFixture({ provider: 'gemini', apiKey: 'AIza-secret', ...settings }),
      upstream.url,
    );
  const chatBody = () => fixtureJson(__dirname, 'chat-tools.openai-request.json');

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

  it('posts generateContent with x-goog-api-key and answers a chat.completion', async () => {
    handler = (_req, res) => json(res, 200, fixtureJson(__dirname, 'generate-text.response.json'));
    const result = await adapter().chat({ ...chatBody(), stream: false }, signal);

    const [seen] = upstream.requests;
    expect(seen.url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(seen.headers['x-goog-api-key']).toBe('AIza-secret');
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.url).not.toContain('key=');
    expect(seen.body).toEqual(fixtureJson(__dirname, 'chat-tools.gemini-request.json'));
    expect(result).toEqual({
      status: 200,
      body: {
        ...fixtureJson(__dirname, 'generate-text.openai-completion.json'),
        created: expect.any(Number) as number,
      },
      model: 'gemini-2.5-flash',
      usage: { prompt_tokens: 131, completion_tokens: 81, total_tokens: 212 },
    });
  });

  it('streams streamGenerateContent?alt=sse as OpenAI chunks, then the usage chunk asked for', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(fixtureText(__dirname, 'stream-function-call.sse'));
    };
    const stream = await adapter({ model: 'models/gemini-2.5-flash' }).chatStream(chatBody(), signal);
    const { chunks, error } = await drain(stream.chunks);

    expect(upstream.requests[0].url).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(upstream.requests[0].headers.accept).toBe('text/event-stream');
    expect(error).toBeNull();
    expect(comparable(chunks)).toEqual(
      comparable(fixtureJson<unknown[]>(__dirname, 'stream-function-call.openai-chunks.json')),
    );
    expect(stream.usage()).toEqual({ prompt_tokens: 88, completion_tokens: 75, total_tokens: 163 });
  });

  it('applies the endpoint: model, cap, options deep-merged, api version, auth scheme', async () => {
    handler = (_req, res) => json(res, 200, fixtureJson(__dirname, 'generate-text.response.json'));
    const endpoint = {
      model: 'gemini-2.0-flash',
      maxTokensCap: 100,
      apiVersion: 'v1',
      options: {
        generationConfig: { temperature: 0.1, topK: 20 },
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }],
      },
      authHeader: 'x-goog-api-key',
      authScheme: 'Key',
    };
    const body = {
      model: 'client',
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.9,
      max_tokens: 500,
    };
    await adapter(endpoint).chat(body, signal);

    const [seen] = upstream.requests;
    expect(seen.url).toBe('/v1/models/gemini-2.0-flash:generateContent');
    expect(seen.headers['x-goog-api-key']).toBe('Key AIza-secret');
    expect(seen.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      generationConfig: { temperature: 0.1, topK: 20, maxOutputTokens: 100 },
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }],
    });
  });

  it('fails over on 429 RESOURCE_EXHAUSTED with the RetryInfo delay', async () => {
    handler = (_req, res) => json(res, 429, fixtureJson(__dirname, 'error-resource-exhausted.json'));
    await expect(adapter().chatStream(chatBody(), signal)).rejects.toMatchObject({
      name: 'UpstreamFailure',
      kind: 'rate_limited',
      status: 429,
      retryAfterMs: 13_000,
    });
  });

  it('passes a 400 INVALID_ARGUMENT through, and fails over on an invalid key', async () => {
    handler = (_req, res) => json(res, 400, fixtureJson(__dirname, 'error-invalid-argument.json'));
    const error = await adapter()
      .chat(chatBody(), signal)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'upstream_bad_request', status: 400 });

    handler = (_req, res) => json(res, 400, fixtureJson(__dirname, 'error-api-key-invalid.json'));
    await expect(adapter().chat(chatBody(), signal)).rejects.toMatchObject({
      name: 'UpstreamFailure',
      kind: 'server_error',
      reason: 'HTTP 400',
    });
  });

  it('embeds with batchEmbedContents, options in each request, base64 when asked', async () => {
    handler = (_req, res) => json(res, 200, fixtureJson(__dirname, 'batch-embed.response.json'));
    const endpoint = { model: 'gemini-embedding-001', options: { taskType: 'RETRIEVAL_DOCUMENT' } };
    const body = { model: 'e', input: ['The sky is blue.', 'Grass is green.'], dimensions: 4 };
    const floats = await adapter(endpoint).embeddings(body, signal);
    const base64 = await adapter(endpoint).embeddings({ ...body, encoding_format: 'base64' }, signal);

    expect(upstream.requests[0].url).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(upstream.requests[0].body).toEqual(fixtureJson(__dirname, 'batch-embed.gemini-request.json'));
    expect(floats).toEqual({
      status: 200,
      body: {
        object: 'list',
        model: 'gemini-embedding-001',
        data: [
          { object: 'embedding', index: 0, embedding: [0.0123, -0.0456, 0.0789, 0.25] },
          { object: 'embedding', index: 1, embedding: [-0.5, 0.0311, 0.0042, -0.0698] },
        ],
      },
      model: 'gemini-embedding-001',
      usage: null,
    });
    expect((base64.body.data as { embedding: unknown }[])[1].embedding).toBe(
      float32Base64([-0.5, 0.0311, 0.0042, -0.0698]),
    );
  });

  it.each([
    [{ input: [[1, 2, 3]] }, 'input'],
    [{ input: [] }, 'input'],
  ])('rejects embeddings of %j before calling upstream', async (fields, param) => {
    const error = await adapter()
      .embeddings({ model: 'e', ...fields }, signal)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_request', param });
    expect(upstream.requests).toHaveLength(0);
  });

  it('fails over when the vectors do not match the inputs', async () => {
    handler = (_req, res) => json(res, 200, { embeddings: [{ values: [1] }] });
    await expect(adapter().embeddings({ model: 'e', input: ['a', 'b'] }, signal)).rejects.toMatchObject({
      name: 'UpstreamFailure',
      kind: 'server_error',
    });
  });

  it.each(['completions', 'completionsStream'] as const)('rejects %s as a 400', async (operation) => {
    await expect(adapter()[operation]({ model: 'm', prompt: 'x' }, signal)).rejects.toMatchObject({
      code: 'invalid_request',
      status: 400,
    });
  });

  it('tolerates a url that already names the API version', async () => {
    handler = (_req, res) => json(res, 200, fixtureJson(__dirname, 'generate-text.response.json'));
    const endpoint = endpointFixture({ provider: 'gemini', model: 'gemini-2.5-flash' });
    await new GeminiAdapter(http, endpoint, `${upstream.url}/v1beta/`).chat(chatBody(), signal);
    expect(upstream.requests[0].url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(upstream.requests[0].headers['x-goog-api-key']).toBeUndefined();
  });
});
