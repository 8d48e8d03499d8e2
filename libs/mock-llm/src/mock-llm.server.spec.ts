import OpenAI, { AzureOpenAI } from 'openai';
import type { MockLlm } from './mock-llm.server';
import { startMockLlm } from './mock-llm.server';
import { postJson } from './test/sse-reader';

describe('mock LLM: OpenAI API', () => {
  let mock: MockLlm;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockLlm();
    client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: 'sk-test-key', maxRetries: 0 });
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.control.reset());

  it('listens on an ephemeral port of 127.0.0.1', () => {
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  describe('chat completions', () => {
    it('answers deterministically with usage', async () => {
      const completion = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'Hello there mock' },
        ],
      });
      expect(completion).toMatchObject({
        object: 'chat.completion',
        model: 'gpt-4o-mini',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Mock reply to: Hello there mock' },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 6, completion_tokens: 6, total_tokens: 12 },
      });
      expect(completion.id).toMatch(/^chatcmpl-mock-/);
      expect(completion.created).toBeCloseTo(Date.now() / 1000, -1);
    });

    it('reads text parts of the last user message and truncates the echo to 200 characters', async () => {
      const long = 'x'.repeat(300);
      const completion = await client.chat.completions.create({
        model: 'any-model',
        messages: [
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'ok' },
          { role: 'user', content: [{ type: 'text', text: long }] },
        ],
      });
      expect(completion.choices[0].message.content).toBe(`Mock reply to: ${'x'.repeat(200)}`);
      expect(completion.model).toBe('any-model');
    });

    it('streams a role chunk, one chunk per word, a finish chunk, usage and [DONE]', async () => {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'stream this' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);

      expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
      const pieces = chunks.slice(1, -2).map((c) => c.choices[0].delta.content);
      expect(pieces).toEqual(['Mock ', 'reply ', 'to: ', 'stream ', 'this']);
      expect(chunks.at(-2)?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
      expect(chunks.at(-1)).toMatchObject({
        object: 'chat.completion.chunk',
        choices: [],
        usage: { prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 },
      });
      expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    });

    it('omits the usage chunk unless include_usage is set', async () => {
      const res = await postJson(`${mock.url}/v1/chat/completions`, {
        model: 'm',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      });
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const text = await res.text();
      expect(text).not.toContain('usage');
      expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    });
  });

  describe('legacy completions', () => {
    it('answers a text completion', async () => {
      const completion = await client.completions.create({
        model: 'gpt-3.5-turbo-instruct',
        prompt: 'Say hi',
      });
      expect(completion).toMatchObject({
        object: 'text_completion',
        model: 'gpt-3.5-turbo-instruct',
        choices: [{ index: 0, text: 'Mock reply to: Say hi', finish_reason: 'stop' }],
        usage: { prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 },
      });
    });

    it('streams text chunks with usage', async () => {
      const stream = await client.completions.create({
        model: 'gpt-3.5-turbo-instruct',
        prompt: 'Say hi',
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let usage: OpenAI.Completions.CompletionUsage | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.text ?? '';
        if (chunk.usage) usage = chunk.usage;
      }
      expect(text).toBe('Mock reply to: Say hi');
      expect(usage).toEqual({ prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 });
    });
  });

  describe('embeddings', () => {
    it('returns unit-length vectors of 1536 floats, deterministic per text (SDK default: base64)', async () => {
      const reply = await client.embeddings.create({
        model: 'text-embedding-3-small',
        input: ['alpha', 'beta'],
      });
      const again = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'alpha' });
      expect(reply.data).toHaveLength(2);
      expect(reply.data[0].embedding).toHaveLength(1536);
      expect(norm(reply.data[0].embedding)).toBeCloseTo(1, 5);
      expect(again.data[0].embedding).toEqual(reply.data[0].embedding);
      expect(reply.data[1].embedding).not.toEqual(reply.data[0].embedding);
      expect(reply.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
      expect(mock.control.requests()[0].body).toMatchObject({ encoding_format: 'base64' });
    });

    it('encodes the same numbers as float and as base64 little-endian float32', async () => {
      const asFloat = await client.embeddings.create({
        model: 'text-embedding-3-small',
        input: 'same text',
        dimensions: 8,
        encoding_format: 'float',
      });
      const res = await postJson(`${mock.url}/v1/embeddings`, {
        model: 'text-embedding-3-small',
        input: 'same text',
        dimensions: 8,
        encoding_format: 'base64',
      });
      const asBase64 = (await res.json()) as { data: { embedding: string }[] };
      const bytes = Buffer.from(asBase64.data[0].embedding, 'base64');
      const decoded = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
      expect(asFloat.data[0].embedding).toHaveLength(8);
      expect(decoded).toEqual(asFloat.data[0].embedding);
    });

    it('embeds token arrays', async () => {
      const reply = await client.embeddings.create({
        model: 'text-embedding-3-small',
        input: [
          [1, 2, 3],
          [4, 5],
        ],
        encoding_format: 'float',
        dimensions: 4,
      });
      expect(reply.data.map((d) => d.index)).toEqual([0, 1]);
      expect(reply.usage.prompt_tokens).toBe(5);
    });
  });

  describe('models', () => {
    it('lists the built-in models and every model seen', async () => {
      await client.chat.completions.create({
        model: 'seen-model',
        messages: [{ role: 'user', content: 'x' }],
      });
      const ids: string[] = [];
      for await (const model of client.models.list()) ids.push(model.id);
      expect(ids).toEqual(['gpt-4o-mini', 'text-embedding-3-small', 'seen-model']);
    });
  });

  describe('Azure OpenAI paths', () => {
    it('serves chat at /openai/deployments/{deployment} and reports the deployment as the model', async () => {
      const azure = new AzureOpenAI({
        endpoint: `${mock.url}/e/azure-east`,
        apiKey: 'azure-key',
        apiVersion: '2024-10-21',
        deployment: 'my-gpt',
        maxRetries: 0,
      });
      const completion = await azure.chat.completions.create({
        model: 'ignored',
        messages: [{ role: 'user', content: 'from azure' }],
      });
      expect(completion.model).toBe('my-gpt');
      expect(completion.choices[0].message.content).toBe('Mock reply to: from azure');
      const [request] = mock.control.requests('azure-east');
      expect(request).toMatchObject({
        instance: 'azure-east',
        path: '/e/azure-east/openai/deployments/my-gpt/chat/completions',
        url: '/e/azure-east/openai/deployments/my-gpt/chat/completions?api-version=2024-10-21',
      });
      expect(request.headers['api-key']).toBe('azure-key');
    });

    it.each([
      ['completions', { prompt: 'p' }, 'text_completion'],
      ['embeddings', { input: 'e', dimensions: 2 }, 'list'],
    ])('serves /%s', async (operation, body, object) => {
      const res = await postJson(
        `${mock.url}/openai/deployments/dep-1/${operation}?api-version=2024-10-21`,
        body,
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ object, model: 'dep-1' });
    });
  });

  describe('recording', () => {
    it('records the forwarded credentials and trace headers with the parsed body', async () => {
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      await client.chat.completions.create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] },
        { headers: { traceparent, 'api-key': 'second-key' } },
      );
      const [request] = mock.control.requests();
      expect(request).toMatchObject({
        instance: 'default',
        method: 'POST',
        path: '/v1/chat/completions',
        status: 200,
        aborted: false,
        body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] },
      });
      expect(request.headers).toMatchObject({
        authorization: 'Bearer sk-test-key',
        'api-key': 'second-key',
        traceparent,
      });
      expect(request.finishedAt).toBeGreaterThanOrEqual(request.startedAt);
    });
  });

  describe('errors', () => {
    const errorShape = (message: RegExp) => ({
      error: {
        message: expect.stringMatching(message) as unknown,
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });

    it('answers 400 in the OpenAI error shape to an invalid JSON body, and records the raw text', async () => {
      const res = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{"model": ' });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual(errorShape(/could not parse the JSON body/));
      expect(mock.control.requests()[0]).toMatchObject({ status: 400, body: '{"model": ' });
    });

    it('answers 404 in the OpenAI error shape to an unknown route, and records it', async () => {
      const res = await fetch(`${mock.url}/e/other/v2/nothing`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual(errorShape(/Unknown route: GET \/e\/other\/v2\/nothing/));
      expect(mock.control.requests('other')).toHaveLength(1);
    });

    it.each([
      [{ messages: [{ role: 'user', content: 'x' }] }, 'model'],
      [{ model: 'm' }, 'messages'],
    ])('answers 400 naming the missing parameter (%j)', async (body, param) => {
      const res = await postJson(`${mock.url}/v1/chat/completions`, body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { param } });
    });

    it('surfaces in the SDK as typed errors', async () => {
      await expect(
        client.embeddings.create({ model: 'text-embedding-3-small', input: [], encoding_format: 'float' }),
      ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    });
  });
});

function norm(vector: readonly number[]): number {
  return Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
}
