import { sha256Hex } from '@aigw/config';
import type { MockLlm } from '@aigw/mock-llm';
import { startMockLlm } from '@aigw/mock-llm';
import type { RunningDeployment } from '@aigw/testing';
import { startDistributedDeployment, startEmbeddedDeployment } from '@aigw/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { Client } from 'pg';

const KEY = 'sk-e2e-memory-key-000000000000000';

/** Two chat applications with memory (msgCount 2) and prompt persistence, one without either. */
function writeConfig(mockUrl: string): string {
  const app = (id: string, extra: string) =>
    `  - id: ${id}\n    type: chat\n${extra}    endpoints:\n      - { id: ${id}, provider: openai-compatible, url: '${mockUrl}/e/${id}/v1', timeoutMs: 3000, allowPrivateNetwork: true }`;
  const memory = `    memorySettings: { useMemory: true, msgCount: 2, entryExpiry: '1 hour' }\n    persistPrompts: true\n`;
  const yaml = `
server: { requestTimeoutMs: 20000, streamIdleTimeoutMs: 5000 }
auth:
  required: true
  keys: [{ id: e2e, sha256: ${sha256Hex(KEY)} }]
applications:
${app('threads', memory)}
${app('threads-stream', memory)}
${app('threads-ganrad', memory)}
${app('stateless', '')}
`;
  const path = join(mkdtempSync(join(tmpdir(), 'aigw-e2e-memory-')), 'gateway.yaml');
  writeFileSync(path, yaml);
  return path;
}

const user = (content: string) => ({ role: 'user' as const, content });
const reply = (content: string) => ({ role: 'assistant' as const, content: `Mock reply to: ${content}` });
/** The messages the upstream got, per request to an endpoint. */
const upstreamMessages = (mock: MockLlm, endpoint: string) =>
  mock.control.requests(endpoint).map((r) =>
    ((r.body as { messages: Array<Record<string, unknown>> }).messages ?? []).map((m) => ({
      role: m.role,
      content: m.content,
    })),
  );

const modes = [
  ['embedded', startEmbeddedDeployment],
  ['distributed', startDistributedDeployment],
] as const;

describe.each(modes)(
  'conversational memory and prompt persistence, %s mode, with the openai SDK',
  (mode, start) => {
    let mock: MockLlm;
    let gateway: RunningDeployment;
    let client: OpenAI;

    // Distributed: the harness gives the deployment a fresh database of its own, dropped at stop().
    beforeAll(async () => {
      mock = await startMockLlm({ port: 0 });
      gateway = await start({ configPath: writeConfig(mock.url), mockLlmUrl: mock.url });
      client = new OpenAI({ apiKey: KEY, baseURL: gateway.baseUrl, maxRetries: 0 });
    }, 90_000);

    afterAll(async () => {
      await gateway?.stop();
      await mock?.close();
    });

    const chat = (model: string, content: string, threadId?: string) =>
      client.chat.completions
        .create(
          { model, messages: [user(content)] },
          threadId === undefined ? {} : { headers: { 'x-thread-id': threadId } },
        )
        .withResponse();

    it('continues a thread over four turns: the history is prepended, trimmed to msgCount after the first user message', async () => {
      const first = await chat('threads', 'one');
      const threadId = first.response.headers.get('x-thread-id');
      expect(threadId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      for (const content of ['two', 'three', 'four']) {
        const turn = await chat('threads', content, threadId!);
        expect(turn.data.choices[0]?.message.content).toBe(`Mock reply to: ${content}`);
        expect(turn.response.headers.get('x-thread-id')).toBe(threadId);
      }
      expect(upstreamMessages(mock, 'threads')).toEqual([
        [user('one')],
        [user('one'), reply('one'), user('two')],
        [user('one'), reply('one'), user('two'), reply('two'), user('three')],
        // msgCount 2: the last two turns, and the first user message before them.
        [user('one'), user('two'), reply('two'), user('three'), reply('three'), user('four')],
      ]);
    });

    it('keeps a streamed answer in the thread, assembled from its chunks', async () => {
      const first = await client.chat.completions
        .create({ model: 'threads-stream', messages: [user('stream one')], stream: true })
        .withResponse();
      let text = '';
      for await (const chunk of first.data) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).toBe('Mock reply to: stream one');
      const threadId = first.response.headers.get('x-thread-id')!;
      const second = await client.chat.completions
        .create(
          { model: 'threads-stream', messages: [user('stream two')], stream: true },
          { headers: { 'x-thread-id': threadId } },
        )
        .withResponse();
      for await (const _chunk of second.data) void _chunk;
      expect(second.response.headers.get('x-thread-id')).toBe(threadId);
      expect(upstreamMessages(mock, 'threads-stream').at(-1)).toEqual([
        user('stream one'),
        reply('stream one'),
        user('stream two'),
      ]);
    });

    it('keeps the contract on the seed gateway route (/api/v1/{env}/apirouter/lb/{appId})', async () => {
      const post = (content: string, threadId?: string) =>
        fetch(`${gateway.origin}/api/v1/dev/apirouter/lb/threads-ganrad`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${KEY}`,
            'content-type': 'application/json',
            ...(threadId === undefined ? {} : { 'x-thread-id': threadId }),
          },
          body: JSON.stringify({ messages: [user(content)] }),
        });
      const first = await post('seed one');
      expect(first.status).toBe(200);
      const threadId = first.headers.get('x-thread-id')!;
      const second = await post('seed two', threadId);
      expect(second.status).toBe(200);
      expect(second.headers.get('x-thread-id')).toBe(threadId);
      expect(upstreamMessages(mock, 'threads-ganrad').at(-1)).toEqual([
        user('seed one'),
        reply('seed one'),
        user('seed two'),
      ]);
    });

    it('answers an unknown thread with 404 thread_not_found, a malformed one with 400, before any upstream call', async () => {
      const before = mock.control.requests('threads').length;
      const unknown = await chat('threads', 'hello', randomUUID()).catch((e: unknown) => e);
      expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
      expect(unknown).toMatchObject({ status: 404, code: 'thread_not_found', param: 'x-thread-id' });
      const malformed = await chat('threads', 'hello', 'not-a-thread').catch((e: unknown) => e);
      expect(malformed).toBeInstanceOf(OpenAI.BadRequestError);
      expect(malformed).toMatchObject({ status: 400, param: 'x-thread-id' });
      expect(mock.control.requests('threads')).toHaveLength(before);
    });

    it('leaves an application without memory alone: no x-thread-id, the header ignored', async () => {
      const { response } = await chat('stateless', 'hi', randomUUID());
      expect(response.headers.get('x-thread-id')).toBeNull();
      expect(upstreamMessages(mock, 'stateless').at(-1)).toEqual([user('hi')]);
    });

    if (mode === 'distributed')
      it('persists every request of the applications that ask for it, failures included, once each', async () => {
        const db = new Client({ connectionString: gateway.databaseUrl! });
        await db.connect();
        try {
          const count = async () =>
            (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM memory_prompts')).rows[0]?.n ?? 0;
          // Earlier specs: 4 + 2 + 2 turns, 2 refused threads; none for the stateless application.
          const deadline = Date.now() + 15_000;
          while ((await count()) < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
          const { rows } = await db.query<{ status: number; code: string | null; thread: string | null }>(
            `SELECT status, error->>'code' AS code, thread_id AS thread FROM memory_prompts ORDER BY finished_at`,
          );
          expect(rows.map((r) => [r.status, r.code])).toEqual([
            ...Array.from({ length: 8 }, () => [200, null]),
            [404, 'thread_not_found'],
            [400, 'invalid_request'],
          ]);
        } finally {
          await db.end();
        }
      });
  },
);
