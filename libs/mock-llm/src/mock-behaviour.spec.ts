import OpenAI from 'openai';
import type { MockLlm } from './mock-llm.server';
import { startMockLlm } from './mock-llm.server';
import { postJson, readSse } from './test/sse-reader';

const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'one two three' }] };
const streamingChat = { ...chat, stream: true };

describe('mock LLM: scripted behaviours', () => {
  let mock: MockLlm;
  const chatUrl = (instance?: string) =>
    `${mock.url}${instance === undefined ? '' : `/e/${instance}`}/v1/chat/completions`;

  beforeAll(async () => {
    mock = await startMockLlm();
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.control.reset());

  describe('errors', () => {
    it('answers 429 with retry-after and an OpenAI rate-limit error', async () => {
      mock.control.script('default', [{ status: 429, retryAfter: '7' }]);
      const res = await postJson(chatUrl(), chat);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(await res.json()).toEqual({
        error: {
          message: expect.any(String) as unknown,
          type: 'requests',
          param: null,
          code: 'rate_limit_exceeded',
        },
      });
      expect(mock.control.requests()[0]).toMatchObject({ status: 429, aborted: false });
    });

    it('lets the SDK retry after a scripted 429, then succeeds', async () => {
      mock.control.script('default', [{ status: 429, retryAfter: '1', headers: { 'retry-after-ms': '5' } }]);
      const client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: 'k', maxRetries: 1 });
      const completion = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'x' }],
      });
      expect(completion.choices[0].message.content).toBe('Mock reply to: x');
      expect(mock.control.requests().map((r) => r.status)).toEqual([429, 200]);
    });

    it.each([500, 503])(
      'answers a scripted %i with a server_error body, even to a stream request',
      async (status) => {
        mock.control.script('default', [{ status }]);
        const res = await postJson(chatUrl(), streamingChat);
        expect(res.status).toBe(status);
        expect(res.headers.get('content-type')).toBe('application/json');
        expect(await res.json()).toMatchObject({ error: { type: 'server_error' } });
      },
    );

    it('sends a scripted body: JSON as JSON, a string verbatim', async () => {
      mock.control.script('default', [
        { status: 400, body: { error: { message: 'custom', type: 'x', param: 'p', code: 'c' } } },
        { body: 'not json at all' },
      ]);
      const first = await postJson(chatUrl(), chat);
      expect(first.status).toBe(400);
      expect(await first.json()).toEqual({ error: { message: 'custom', type: 'x', param: 'p', code: 'c' } });
      const second = await postJson(chatUrl(), chat);
      expect(second.status).toBe(200);
      expect(await second.text()).toBe('not json at all');
    });

    it('adds scripted headers and a scripted success status to the normal reply', async () => {
      mock.control.script('default', [{ status: 201, headers: { 'X-Mock': 'yes' } }]);
      const res = await postJson(chatUrl(), chat);
      expect(res.status).toBe(201);
      expect(res.headers.get('x-mock')).toBe('yes');
      expect(await res.json()).toMatchObject({ object: 'chat.completion' });
    });
  });

  describe('script FIFO and defaults', () => {
    it('consumes scripted behaviours one per request, in order, then succeeds', async () => {
      mock.control.script('default', [{ status: 500 }, { status: 503 }]);
      mock.control.script('default', [{ status: 429 }]);
      expect(mock.control.queued('default')).toBe(3);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await postJson(chatUrl(), chat)).status);
      expect(statuses).toEqual([500, 503, 429, 200]);
    });

    it('uses the default behaviour when the FIFO is empty, until it is cleared', async () => {
      mock.control.setDefault('default', { status: 500 });
      mock.control.script('default', [{}]);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await postJson(chatUrl(), chat)).status);
      mock.control.setDefault('default', null);
      statuses.push((await postJson(chatUrl(), chat)).status);
      expect(statuses).toEqual([200, 500, 500, 200]);
    });

    it('keeps named instances apart', async () => {
      mock.control.script('a', [{ status: 503 }]);
      mock.control.setDefault('b', { content: 'from b' });
      const [a, b, plain] = await Promise.all([
        postJson(chatUrl('a'), chat),
        postJson(chatUrl('b'), chat),
        postJson(chatUrl(), chat),
      ]);
      expect(a.status).toBe(503);
      expect(await b.json()).toMatchObject({ choices: [{ message: { content: 'from b' } }] });
      expect(plain.status).toBe(200);
      expect(mock.control.requests('a')).toHaveLength(1);
      expect(mock.control.requests('b')).toHaveLength(1);
      expect(mock.control.requests('default')).toHaveLength(1);
      expect(mock.control.requests()).toHaveLength(3);
    });

    it('rejects an invalid behaviour', () => {
      expect(() => mock.control.script('default', [{ status: 42 }])).toThrow();
      expect(() => mock.control.setDefault('default', { delayMs: -1 })).toThrow();
    });
  });

  describe('timing and connections', () => {
    it('waits delayMs before the response headers', async () => {
      mock.control.script('default', [{ delayMs: 50 }]);
      const started = Date.now();
      const res = await postJson(chatUrl(), chat);
      expect(Date.now() - started).toBeGreaterThanOrEqual(45);
      expect(res.status).toBe(200);
    });

    it('hangs without headers until the client aborts, and records the abort', async () => {
      mock.control.script('default', [{ hang: true }]);
      const abort = new AbortController();
      const pending = fetch(chatUrl(), {
        method: 'POST',
        body: JSON.stringify(chat),
        signal: abort.signal,
      }).catch((error: unknown) => error);
      const seen = await mock.control.waitForRequest((r) => r.body !== null);
      expect(seen).toMatchObject({ status: null, aborted: false, finishedAt: null });

      abort.abort();
      expect(await pending).toMatchObject({ name: 'AbortError' });
      const aborted = await mock.control.waitForRequest((r) => r.aborted);
      expect(aborted).toMatchObject({ seq: seen.seq, status: null, finishedAt: null });
    });

    it('records an abort during delayMs and sends nothing afterwards', async () => {
      mock.control.script('default', [{ delayMs: 60_000 }]);
      const abort = new AbortController();
      const pending = postJsonAbortable(chatUrl(), chat, abort.signal);
      await mock.control.waitForRequest((r) => r.body !== null);
      abort.abort();
      await pending;
      await mock.control.waitForRequest((r) => r.aborted && r.status === null);
    });

    it('records an abort in the middle of a paced stream', async () => {
      mock.control.script('default', [{ chunkDelayMs: 60_000 }]);
      const abort = new AbortController();
      const res = await fetch(chatUrl(), {
        method: 'POST',
        body: JSON.stringify(streamingChat),
        signal: abort.signal,
      });
      expect(res.status).toBe(200);
      await mock.control.waitForRequest((r) => r.status === 200);
      abort.abort();
      await mock.control.waitForRequest((r) => r.aborted && r.status === 200);
    });

    it('paces the stream with firstChunkDelayMs and chunkDelayMs', async () => {
      mock.control.script('default', [{ firstChunkDelayMs: 40, chunkDelayMs: 5 }]);
      const started = Date.now();
      const res = await postJson(chatUrl(), streamingChat);
      const { data, error } = await readSse(res);
      expect(error).toBeNull();
      // 1 role + 6 words + finish + [DONE] = 9 frames: 40 ms, then 8 × 5 ms.
      expect(data).toHaveLength(9);
      expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    });
  });

  describe('stream shaping', () => {
    it('cuts the connection after cutAfterChunks frames, not counted as an abort', async () => {
      mock.control.script('default', [{ cutAfterChunks: 3 }]);
      const res = await postJson(chatUrl(), streamingChat);
      expect(res.status).toBe(200);
      const { data, error } = await readSse(res);
      expect(data).toHaveLength(3);
      expect(error).toMatchObject({ name: 'TypeError', message: 'terminated' });
      const [request] = await mock.control.waitFor((rs) => rs.length === 1 && rs[0].finishedAt !== null);
      expect(request).toMatchObject({ status: 200, aborted: false });
    });

    it('cuts a paced stream too', async () => {
      mock.control.script('default', [{ cutAfterChunks: 2, chunkDelayMs: 1 }]);
      const { data, error } = await readSse(await postJson(chatUrl(), streamingChat));
      expect(data).toHaveLength(2);
      expect(error).toMatchObject({ name: 'TypeError', message: 'terminated' });
    });

    it('replaces the frame at malformedChunkAt with invalid JSON', async () => {
      mock.control.script('default', [{ malformedChunkAt: 1 }]);
      const { data, error } = await readSse(await postJson(chatUrl(), streamingChat));
      expect(error).toBeNull();
      expect(data[1]).toBe('{not json');
      expect(() => JSON.parse(data[1]) as unknown).toThrow();
      expect(JSON.parse(data[0])).toMatchObject({ object: 'chat.completion.chunk' });
      expect(data.at(-1)).toBe('[DONE]');
    });

    it.each([
      [1, ['Mock reply to: one two three']],
      [3, ['Mock repl', 'y to: one', ' two three']],
      [0, []],
    ])('splits the reply into %i content chunks', async (chunks, expected) => {
      mock.control.script('default', [{ chunks }]);
      const { data } = await readSse(await postJson(chatUrl(), streamingChat));
      const pieces = data
        .slice(1, -2)
        .map(
          (d) => (JSON.parse(d) as { choices: { delta: { content: string } }[] }).choices[0].delta.content,
        );
      expect(pieces).toEqual(expected);
    });

    it('streams a content override, and uses it without streaming too', async () => {
      mock.control.setDefault('default', { content: 'Fixed answer.' });
      const { data } = await readSse(await postJson(chatUrl(), streamingChat));
      expect(data.slice(1, -2).map((d) => JSON.parse(d) as unknown)).toMatchObject([
        { choices: [{ delta: { content: 'Fixed ' } }] },
        { choices: [{ delta: { content: 'answer.' } }] },
      ]);
      const res = await postJson(chatUrl(), chat);
      expect(await res.json()).toMatchObject({
        choices: [{ message: { content: 'Fixed answer.' } }],
        usage: { completion_tokens: 2 },
      });
    });

    it('applies stream behaviours to legacy completions', async () => {
      mock.control.script('default', [{ cutAfterChunks: 1 }]);
      const res = await postJson(`${mock.url}/v1/completions`, { model: 'm', prompt: 'a b', stream: true });
      const { data, error } = await readSse(res);
      expect(data).toHaveLength(1);
      expect(JSON.parse(data[0])).toMatchObject({ object: 'text_completion', choices: [{ text: 'Mock ' }] });
      expect(error).toMatchObject({ name: 'TypeError', message: 'terminated' });
    });
  });
});

async function postJsonAbortable(url: string, body: unknown, signal: AbortSignal): Promise<unknown> {
  try {
    return await fetch(url, { method: 'POST', body: JSON.stringify(body), signal });
  } catch (error: unknown) {
    return error;
  }
}
