import { sha256Hex } from '@aigw/config';
import type { MockLlm } from '@aigw/mock-llm';
import { startMockLlm } from '@aigw/mock-llm';
import type { RunningDeployment } from '@aigw/testing';
import { ThrowawayRedis, startDistributedDeployment, waitUntil } from '@aigw/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';

const KEY = 'sk-e2e-outage-key-0000000000000000';
const MACHINE_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

function writeConfig(mockUrl: string): string {
  const yaml = `
server: { requestTimeoutMs: 20000, streamIdleTimeoutMs: 5000 }
auth:
  required: true
  keys: [{ id: e2e, sha256: ${sha256Hex(KEY)} }]
memorySettings: { loadTimeoutMs: 1500 }
applications:
  - id: threads
    type: chat
    memorySettings: { useMemory: true, msgCount: 5 }
    persistPrompts: true
    endpoints:
      - { id: threads, provider: openai-compatible, url: '${mockUrl}/e/threads/v1', timeoutMs: 3000, allowPrivateNetwork: true }
`;
  const path = join(mkdtempSync(join(tmpdir(), 'aigw-e2e-outage-')), 'gateway.yaml');
  writeFileSync(path, yaml);
  return path;
}

interface NotQueued {
  jobs: { notQueued: Record<string, number> };
}

/** `aigw_jobs_not_queued_total` by queue, from a Prometheus exposition. */
function notQueuedSeries(exposition: string): Record<string, number> {
  return Object.fromEntries(
    [...exposition.matchAll(/^aigw_jobs_not_queued_total\{queue="([a-z]+)"\} (\d+)$/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]),
  );
}

/**
 * Distributed mode with a Redis of its own (the shared one is never stopped): the memory service
 * stopping, then Redis dying, mid-run.
 */
describe('stateful features through outages, distributed mode', () => {
  let mock: MockLlm;
  let redis: ThrowawayRedis;
  let gateway: RunningDeployment;
  let client: OpenAI;
  const database = `aigw_e2e_outage_${randomUUID().replace(/-/g, '')}`;
  const admin = new Client({ connectionString: MACHINE_POSTGRES_URL });

  beforeAll(async () => {
    mock = await startMockLlm({ port: 0 });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    redis = await ThrowawayRedis.start();
    gateway = await startDistributedDeployment({
      configPath: writeConfig(mock.url),
      mockLlmUrl: mock.url,
      env: {
        REDIS_URL: redis.url,
        DATABASE_URL: MACHINE_POSTGRES_URL.replace(/\/postgres$/, `/${database}`),
      },
    });
    client = new OpenAI({ apiKey: KEY, baseURL: gateway.baseUrl, maxRetries: 0 });
  }, 90_000);

  afterAll(async () => {
    await gateway?.stop();
    await mock?.close();
    await redis?.kill();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    // With Redis gone, each process gives its queues a few seconds to close.
  }, 30_000);

  const chat = (content: string, threadId?: string) =>
    client.chat.completions
      .create(
        { model: 'threads', messages: [{ role: 'user', content }] },
        threadId === undefined ? {} : { headers: { 'x-thread-id': threadId } },
      )
      .withResponse();
  const notQueued = async () =>
    ((await (await fetch(`${gateway.origin}/health`)).json()) as NotQueued).jobs.notQueued;
  const notQueuedMetric = async () =>
    notQueuedSeries(await (await fetch(`${gateway.origin}/metrics`)).text());

  it('refuses to continue a thread while the memory service is down (503, never a hang), and serves new threads', async () => {
    const first = await chat('one');
    const threadId = first.response.headers.get('x-thread-id')!;
    await chat('two', threadId);
    await gateway.processes.find((p) => p.name === 'memory-0')!.stop();

    const refused = await chat('three', threadId).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.InternalServerError);
    expect(refused).toMatchObject({ status: 503, code: 'service_unavailable' });
    // A request that starts a thread needs no memory service: its turn waits in the queue.
    const fresh = await chat('new thread');
    expect(fresh.response.headers.get('x-thread-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await notQueued()).toEqual({ memory: 0, prompts: 0, cache: 0 });
    expect(await notQueuedMetric()).toEqual({ memory: 0, prompts: 0, cache: 0 });
  }, 30_000);

  it('answers every request while Redis is down, and counts what it could not queue', async () => {
    await redis.kill();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await chat(`while redis is down ${i}`));
    for (const [i, { data }] of answers.entries())
      expect(data.choices[0]?.message.content).toBe(`Mock reply to: while redis is down ${i}`);
    // Each request's turn and prompt record are lost, and counted (bounded by the queue's timeout).
    await waitUntil(
      async () => {
        const lost = await notQueued();
        return lost.memory === 3 && lost.prompts === 3;
      },
      15_000,
      [],
    );
    // The same losses on /metrics, for Prometheus, and one warning line each in the gateway's log.
    expect(await notQueuedMetric()).toEqual({ memory: 3, prompts: 3, cache: 0 });
    const warnings = gateway.processes
      .find((p) => p.name === 'gateway-0')!
      .output.flatMap((line) => {
        try {
          return [JSON.parse(line) as { level?: string; context?: string; message?: unknown }];
        } catch {
          return [];
        }
      })
      .filter((l) => l.level === 'warn' && l.context === 'JobRecorder prompts');
    expect(warnings).toHaveLength(3);
    expect(String(warnings[0]?.message)).toMatch(/^job prompt\.\S+ not queued \(1 so far\): /);
  }, 60_000);
});
