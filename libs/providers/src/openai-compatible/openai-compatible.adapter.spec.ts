import { OpenAiAdapter } from '../openai/openai.adapter';
import { endpointFixture } from '../test/endpoint.fixture';
import type { TestHandler, TestUpstream } from '../test/test-upstream';
import { json, startTestUpstream } from '../test/test-upstream';
import { UpstreamHttpClient } from '../upstream/upstream-http.client';
import { float32Base64 } from './openai-embeddings.mapper';
import { OpenAiCompatibleAdapter } from './openai-compatible.adapter';

const CHAT_REPLY = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
};

describe('OpenAiCompatibleAdapter', () => {
  let handler: TestHandler;
  let upstream: TestUpstream;
  const http = new UpstreamHttpClient();
  const signal = new AbortController().signal;

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

  it('openai: posts to {url}/chat/completions with a bearer key and the endpoint model', async () => {
    handler = (_req, res) => json(res, 200, CHAT_REPLY);
    const endpoint = endpointFixture({ provider: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-secret' });
    const adapter = new OpenAiAdapter(http, endpoint, `${upstream.url}/v1/`);
    const result = await adapter.chat({ model: 'client', messages: [], stream: false }, signal);

    expect(adapter.provider).toBe('openai');
    expect(result).toEqual({
      status: 200,
      body: CHAT_REPLY,
      // The text the upstream sent, for the gateway to relay without re-serialising it.
      text: JSON.stringify(CHAT_REPLY),
      model: 'gpt-4o-mini-2024-07-18',
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    });
    const [seen] = upstream.requests;
    expect(seen.url).toBe('/v1/chat/completions');
    expect(seen.headers.authorization).toBe('Bearer sk-secret');
    expect(seen.body).toEqual({ model: 'gpt-4o-mini', messages: [] });
  });

  it('sends no authorization without a key, and falls back to the requested model', async () => {
    handler = (_req, res) => json(res, 200, { object: 'text_completion', choices: [] });
    const adapter = new OpenAiCompatibleAdapter(http, endpointFixture(), `${upstream.url}/v1`);
    const result = await adapter.completions({ model: 'llama', prompt: 'x' }, signal);
    expect(result).toMatchObject({ model: 'llama', usage: null });
    expect(upstream.requests[0].url).toBe('/v1/completions');
    expect(upstream.requests[0].headers.authorization).toBeUndefined();
  });

  it('asks floats upstream and gives base64 to a client that asked for it', async () => {
    handler = (_req, res) =>
      json(res, 200, {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [0.25, -1] }],
        model: 'text-embedding-3-small',
        usage: { prompt_tokens: 2, total_tokens: 2 },
      });
    const adapter = new OpenAiCompatibleAdapter(http, endpointFixture(), `${upstream.url}/v1`);
    const result = await adapter.embeddings({ model: 'e', input: 'x', encoding_format: 'base64' }, signal);
    expect(upstream.requests[0].body).toEqual({ model: 'e', input: 'x', encoding_format: 'float' });
    expect(result.body.data).toEqual([
      { object: 'embedding', index: 0, embedding: float32Base64([0.25, -1]) },
    ]);
    expect(result.usage).toEqual({ prompt_tokens: 2, completion_tokens: 0, total_tokens: 2 });
    // Re-encoded: the upstream's text is no longer the answer, so none is carried to relay.
    expect(result.text).toBeUndefined();
  });

  it('streams chunks unchanged and reports their usage at the end', async () => {
    const chunk = '{"id":"c","model":"m-2024","choices":[{"index":0,"delta":{"content":"hi"}}]}';
    const usage =
      '{"id":"c","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}';
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${chunk}\n\ndata: ${usage}\n\ndata: [DONE]\n\n`);
    };
    const adapter = new OpenAiCompatibleAdapter(http, endpointFixture({ model: 'm' }), `${upstream.url}/v1`);
    const stream = await adapter.chatStream({ model: 'client', messages: [] }, signal);
    const batches: (readonly string[])[] = [];
    for await (const batch of stream.chunks) batches.push(batch);

    expect(upstream.requests[0].body).toEqual({ model: 'm', messages: [], stream: true });
    expect(upstream.requests[0].headers.accept).toBe('text/event-stream');
    expect(stream.model).toBe('m');
    expect(batches).toEqual([[chunk, usage]]); // one read: one batch
    expect(stream.usage()).toEqual({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 });
  });

  it('fails over (UpstreamFailure) when a stream is refused before it starts', async () => {
    handler = (_req, res) => json(res, 503, { error: { message: 'overloaded' } });
    const adapter = new OpenAiCompatibleAdapter(http, endpointFixture(), `${upstream.url}/v1`);
    await expect(adapter.chatStream({ model: 'm', messages: [] }, signal)).rejects.toMatchObject({
      name: 'UpstreamFailure',
      kind: 'server_error',
      status: 503,
    });
  });
});
