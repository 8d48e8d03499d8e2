import type { ResolvedApplication } from '@aigw/config';
import { LiveConfig, resolveConfig } from '@aigw/config';
import type { MemoryAppendJob, MemoryLoadReply, PromptRecord, UsageEvent } from '@aigw/contracts';
import { GatewayError, MemoryJobs, PromptJobs, Subjects, threadIdTime } from '@aigw/contracts';
import type { Job } from '@aigw/jobs';
import { JobQueues } from '@aigw/jobs';
import type { BusClient } from '@aigw/messaging';
import { randomUUID } from 'node:crypto';
import type { CompletionFollowUps } from './completion-follow-up';
import { CLIENT_CLOSED } from './completion-follow-up';
import { createStatefulFeatures } from './follow-ups.factory';

const config = resolveConfig(
  {
    auth: { required: false },
    memorySettings: { loadTimeoutMs: 750 },
    applications: [
      {
        id: 'threads',
        type: 'chat',
        memorySettings: { useMemory: true },
        persistPrompts: true,
        endpoints: [{ id: 'primary', provider: 'mock' }],
      },
      { id: 'plain', type: 'chat', endpoints: [{ id: 'p', provider: 'mock' }] },
      { id: 'legacy', type: 'completions', persistPrompts: true, endpoints: [{ id: 'l', provider: 'mock' }] },
    ],
  },
  {},
);
const appOf = (id: string): ResolvedApplication => config.applications.find((a) => a.id === id)!;

const system = { role: 'system', content: 'Be brief.' };
const user = (content: string) => ({ role: 'user', content });
const assistant = (content: string) => ({ role: 'assistant', content });

const usage = (overrides: Partial<UsageEvent> = {}): UsageEvent => ({
  requestId: 'req-1',
  applicationId: 'threads',
  endpointId: 'primary',
  provider: 'mock',
  model: 'mock-model',
  consumerId: 'key-1',
  operation: 'chat',
  stream: false,
  status: 200,
  errorCode: null,
  requestedModel: null,
  throttled: false,
  promptTokens: 3,
  completionTokens: 4,
  latencyMs: 10,
  timeToFirstTokenMs: null,
  cacheHit: false,
  cacheSimilarity: null,
  retries: 0,
  finishedAt: '2026-12-01T10:00:00.000Z',
  ...overrides,
});

describe('CompletionFollowUps: the gateway side of memory and prompt persistence', () => {
  let jobs: JobQueues;
  let followUps: CompletionFollowUps;
  let loads: Array<{ subject: string; payload: unknown; timeoutMs: number }>;
  let loadReply: () => Promise<MemoryLoadReply>;
  let appended: Array<Job<MemoryAppendJob>>;
  let persisted: Array<Job<PromptRecord>>;

  beforeEach(() => {
    jobs = new JobQueues({ mode: 'embedded', redisUrl: null, prefix: 'unit' });
    loads = [];
    appended = [];
    persisted = [];
    const bus = {
      request: (subject: string, payload: unknown, options: { timeoutMs: number }) => {
        loads.push({ subject, payload, timeoutMs: options.timeoutMs });
        return loadReply();
      },
    } as unknown as BusClient;
    followUps = createStatefulFeatures(LiveConfig.fromFile(config), bus, jobs).followUps;
    jobs.get<MemoryAppendJob>(MemoryJobs.queue).process(async (job) => void appended.push(job));
    jobs.get<PromptRecord>(PromptJobs.queue).process(async (job) => void persisted.push(job));
  });

  afterEach(() => jobs.close());

  const begin = (
    app: string,
    body: Record<string, unknown>,
    headers: Record<string, string | string[]> = {},
    requestId = 'req-1',
  ) =>
    followUps.begin({
      headers,
      app: appOf(app),
      operation: app === 'legacy' ? 'completions' : 'chat',
      requestId,
      consumerId: 'key-1',
      body,
    });
  const settle = async (memory: number, prompts: number) => {
    for (let i = 0; i < 100 && (appended.length < memory || persisted.length < prompts); i++)
      await new Promise((resolve) => setImmediate(resolve));
    expect({ memory: appended.length, prompts: persisted.length }).toEqual({ memory, prompts });
  };

  it('starts a thread without a load: a fresh version 7 id, the body as sent, the turn appended once answered', async () => {
    const body = { model: 'threads', messages: [system, user('hi')], user: 'end-user-7' };
    const followUp = await begin('threads', body);
    const threadId = followUp.headers['x-thread-id'];
    expect(threadIdTime(threadId)).not.toBeNull();
    expect(followUp.body).toEqual(body);
    expect(loads).toEqual([]);

    followUp.answered(usage(), () => ({
      choices: [{ index: 0, message: assistant('hello'), finish_reason: 'stop' }],
    }));
    await settle(1, 1);
    expect(appended[0]).toMatchObject({
      id: MemoryJobs.jobId('req-1'),
      data: {
        threadId,
        requestId: 'req-1',
        applicationId: 'threads',
        consumerId: 'key-1',
        system: [system],
        messages: [user('hi')],
        reply: assistant('hello'),
      },
    });
    expect(persisted[0]).toMatchObject({
      id: PromptJobs.jobId('req-1'),
      data: {
        requestId: 'req-1',
        threadId,
        user: 'end-user-7',
        requestedModel: 'threads',
        prompt: [system, user('hi')],
        completion: assistant('hello'),
        totalTokens: 7,
        status: 200,
        cacheHit: false,
        error: null,
      },
    });
  });

  it.each([
    [
      'the request brings no system message: the thread keeps its own',
      [user('again')],
      [system, user('hi'), assistant('hello'), user('again')],
    ],
    [
      'the request brings one: it replaces the stored one',
      [{ role: 'developer', content: 'Be long.' }, user('again')],
      [{ role: 'developer', content: 'Be long.' }, user('hi'), assistant('hello'), user('again')],
    ],
  ])('continues a thread: %s', async (_case, messages, sent) => {
    const threadId = randomUUID();
    loadReply = async () => ({ threadId, system: [system], history: [user('hi'), assistant('hello')] });
    const followUp = await begin('threads', { model: 'threads', messages }, { 'x-thread-id': threadId });
    expect(loads).toEqual([
      {
        subject: Subjects.memory.load,
        payload: { threadId, applicationId: 'threads', consumerId: 'key-1', requestId: 'req-1' },
        timeoutMs: 750,
      },
    ]);
    expect(followUp.body.messages).toEqual(sent);
    expect(followUp.headers).toEqual({ 'x-thread-id': threadId });
  });

  it.each([['not-a-uuid'], [[randomUUID(), randomUUID()]]])(
    'refuses x-thread-id %j with 400 before any load',
    async (header) => {
      const refused = begin(
        'threads',
        { model: 'threads', messages: [user('x')] },
        { 'x-thread-id': header },
      );
      await expect(refused).rejects.toMatchObject({
        code: 'invalid_request',
        status: 400,
        param: 'x-thread-id',
      });
      expect(loads).toEqual([]);
    },
  );

  it.each([
    ['service_unavailable', 503],
    ['service_timeout', 504],
  ] as const)(
    'fails a thread the memory service cannot load (%s → %i), never answering without its history',
    async (code, status) => {
      loadReply = () => Promise.reject(new GatewayError(code, 'bus'));
      const refused = begin(
        'threads',
        { model: 'threads', messages: [user('x')] },
        { 'x-thread-id': randomUUID() },
      );
      await expect(refused).rejects.toMatchObject({ code, status });
      await expect(refused).rejects.toThrow(/memory service did not answer/);
    },
  );

  it('passes thread_not_found through', async () => {
    loadReply = () => Promise.reject(new GatewayError('thread_not_found', 'gone'));
    await expect(
      begin('threads', { model: 'threads', messages: [user('x')] }, { 'x-thread-id': randomUUID() }),
    ).rejects.toMatchObject({ code: 'thread_not_found', status: 404 });
  });

  it('persists a refused request with its error, and no thread id that is not one', async () => {
    const error = new GatewayError('thread_not_found', 'gone');
    followUps.rejected(
      {
        headers: { 'x-thread-id': 'garbage' },
        app: appOf('threads'),
        operation: 'chat',
        requestId: 'req-1',
        consumerId: 'key-1',
        body: { messages: [user('x')] },
      },
      usage({ status: 404, endpointId: null }),
      error,
    );
    await settle(0, 1);
    expect(persisted[0]?.data).toMatchObject({
      status: 404,
      threadId: null,
      error: { code: 'thread_not_found', message: 'gone' },
    });
  });

  it('appends nothing for a failed first turn, releases a continued thread whose turn failed', async () => {
    const fresh = await begin('threads', { model: 'threads', messages: [user('x')] });
    fresh.failed(usage({ status: 502 }), { code: 'upstream_error', message: 'down' });
    const threadId = randomUUID();
    loadReply = async () => ({ threadId, system: [], history: [] });
    const continued = await begin(
      'threads',
      { model: 'threads', messages: [user('y')] },
      { 'x-thread-id': threadId },
      'req-2',
    );
    continued.failed(usage({ requestId: 'req-2', status: 499 }), CLIENT_CLOSED);
    await settle(1, 2);
    expect(appended[0]?.data).toMatchObject({ threadId, reply: null });
    expect(persisted.map((job) => job.data.error?.code)).toEqual(['upstream_error', 'client_closed_request']);
  });

  it('assembles a streamed answer for the thread and the prompt record', async () => {
    const followUp = await begin('threads', { model: 'threads', messages: [user('s')], stream: true });
    for (const content of ['Hel', 'lo'])
      followUp.chunk(JSON.stringify({ choices: [{ index: 0, delta: { role: 'assistant', content } }] }));
    followUp.streamed(usage({ stream: true }));
    await settle(1, 1);
    expect(appended[0]?.data.reply).toEqual(assistant('Hello'));
    expect(persisted[0]?.data).toMatchObject({ stream: true, completion: assistant('Hello') });
  });

  it('leaves an application without memory or persistence alone', async () => {
    const body = { model: 'plain', messages: [user('x')] };
    const followUp = await begin('plain', body, { 'x-thread-id': randomUUID() });
    expect(followUp.body).toBe(body);
    expect(followUp.headers).toEqual({});
    // Nothing to append or persist: the answer is not even read (nor its relayed text parsed).
    const unread = jest.fn(() => ({ choices: [] }));
    followUp.answered(usage({ applicationId: 'plain' }), unread);
    expect(unread).not.toHaveBeenCalled();
    await settle(0, 0);
    expect(loads).toEqual([]);
  });

  it('persists a legacy completion with its prompt and text', async () => {
    const followUp = await begin('legacy', { model: 'legacy', prompt: 'Once' });
    followUp.answered(usage({ operation: 'completions' }), () => ({
      choices: [{ index: 0, text: ' upon a time' }],
    }));
    await settle(0, 1);
    expect(persisted[0]?.data).toMatchObject({
      operation: 'completions',
      prompt: 'Once',
      completion: ' upon a time',
      threadId: null,
    });
  });
});
