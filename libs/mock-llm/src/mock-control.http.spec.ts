import { MockControlClient } from './mock-control.client';
import type { MockLlm } from './mock-llm.server';
import { startMockLlm } from './mock-llm.server';
import { postJson } from './test/sse-reader';

const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

describe('mock LLM: HTTP control API', () => {
  let mock: MockLlm;
  let remote: MockControlClient;
  const chatUrl = (instance: string) => `${mock.url}/e/${instance}/v1/chat/completions`;

  beforeAll(async () => {
    mock = await startMockLlm();
    remote = new MockControlClient(`${mock.url}/`);
  });
  afterAll(() => mock.close());
  beforeEach(() => remote.reset());

  it('answers the health check', async () => {
    const res = await fetch(`${mock.url}/_mock/health`);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('scripts an instance over POST /_mock/instances/{name}/script', async () => {
    const res = await postJson(`${mock.url}/_mock/instances/east/script`, {
      behaviours: [{ status: 429, retryAfter: '2' }, { status: 500 }],
    });
    expect(await res.json()).toEqual({ instance: 'east', queued: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await postJson(chatUrl('east'), chat)).status);
    expect(statuses).toEqual([429, 500, 200]);
    expect((await postJson(chatUrl('west'), chat)).status).toBe(200);
  });

  it('sets and clears the default over PUT and DELETE /_mock/instances/{name}/default', async () => {
    const put = await fetch(`${mock.url}/_mock/instances/east/default`, {
      method: 'PUT',
      body: JSON.stringify({ status: 503 }),
    });
    expect(put.status).toBe(204);
    expect((await postJson(chatUrl('east'), chat)).status).toBe(503);
    expect((await postJson(chatUrl('east'), chat)).status).toBe(503);
    await fetch(`${mock.url}/_mock/instances/east/default`, { method: 'DELETE' });
    expect((await postJson(chatUrl('east'), chat)).status).toBe(200);
  });

  it('lists recorded requests, filtered by instance', async () => {
    await postJson(chatUrl('east'), chat, { authorization: 'Bearer upstream-key' });
    await postJson(chatUrl('west'), chat);
    const res = await fetch(`${mock.url}/_mock/requests?instance=east`);
    const { requests } = (await res.json()) as { requests: unknown[] };
    expect(requests).toEqual([
      expect.objectContaining({
        instance: 'east',
        method: 'POST',
        path: '/e/east/v1/chat/completions',
        body: chat,
        status: 200,
        aborted: false,
        headers: expect.objectContaining({ authorization: 'Bearer upstream-key' }) as unknown,
      }),
    ]);
    expect(await remote.requests()).toHaveLength(2);
  });

  it('does not record control requests', async () => {
    await fetch(`${mock.url}/_mock/health`);
    expect(mock.control.requests()).toEqual([]);
  });

  it('resets scripts, defaults and the log over POST /_mock/reset', async () => {
    await remote.script('east', [{ status: 500 }]);
    await remote.setDefault('west', { status: 500 });
    await postJson(chatUrl('north'), chat);
    const res = await fetch(`${mock.url}/_mock/reset`, { method: 'POST' });
    expect(res.status).toBe(204);
    expect(mock.control.requests()).toEqual([]);
    expect((await postJson(chatUrl('east'), chat)).status).toBe(200);
    expect((await postJson(chatUrl('west'), chat)).status).toBe(200);
  });

  it.each([
    ['POST', '/_mock/instances/east/script', '{"behaviours":[{"status":"x"}]}', /behaviours\.0\.status/],
    ['POST', '/_mock/instances/east/script', '{"behaviours":[{"unknownField":1}]}', /unknownField/],
    ['PUT', '/_mock/instances/east/default', '{not json', /Invalid JSON/],
    ['GET', '/_mock/nothing', '', /Unknown control route/],
  ])('rejects %s %s %s in the OpenAI error shape', async (method, path, body, message) => {
    const res = await fetch(`${mock.url}${path}`, { method, body: method === 'GET' ? undefined : body });
    expect(res.status).toBe(path === '/_mock/nothing' ? 404 : 400);
    const reply = (await res.json()) as { error: { message: string; type: string } };
    expect(reply.error.type).toBe('invalid_request_error');
    expect(reply.error.message).toMatch(message);
  });

  describe('MockControlClient', () => {
    it('scripts and inspects like the in-process control', async () => {
      await remote.script('east', [{ content: 'scripted' }]);
      await postJson(chatUrl('east'), chat);
      const requests = await remote.waitFor((rs) => rs.some((r) => r.finishedAt !== null));
      expect(requests[0]).toMatchObject({ instance: 'east', status: 200 });
    });

    it('rejects waitFor on timeout', async () => {
      await expect(remote.waitFor((rs) => rs.length > 0, 50)).rejects.toThrow(/not met within 50 ms/);
    });

    it('reports control errors', async () => {
      await expect(remote.script('east', [{ status: 1 }])).rejects.toThrow(/failed with 400/);
    });
  });

  it('rejects in-process waitFor on timeout', async () => {
    await expect(mock.control.waitFor(() => false, 20)).rejects.toThrow(/not met within 20 ms \(0 requests/);
  });

  it('rejects in-process waitFor when the predicate throws', async () => {
    await expect(
      mock.control.waitFor(() => {
        throw new Error('bad predicate');
      }),
    ).rejects.toThrow('bad predicate');
  });
});

describe('mock LLM: bounded request log', () => {
  it('keeps only the last maxRecordedRequests requests', async () => {
    const mock = await startMockLlm({ maxRecordedRequests: 3 });
    try {
      for (let i = 0; i < 5; i += 1) await postJson(`${mock.url}/e/i${i}/v1/chat/completions`, chat);
      expect(mock.control.requests().map((r) => r.instance)).toEqual(['i2', 'i3', 'i4']);
    } finally {
      await mock.close();
    }
  });

  it('closes while a request hangs', async () => {
    const mock = await startMockLlm();
    mock.control.setDefault('default', { hang: true });
    const pending = postJson(`${mock.url}/v1/chat/completions`, chat).catch((error: unknown) => error);
    await mock.control.waitForRequest((r) => r.body !== null);
    await mock.close();
    expect(await pending).toMatchObject({ name: 'TypeError' });
  });
});
