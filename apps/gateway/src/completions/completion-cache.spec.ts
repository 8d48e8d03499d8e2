import { Controller, Module } from '@nestjs/common';
import type { INestMicroservice } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { LiveConfig, parseConfigText } from '@aigw/config';
import type { CacheLookupReply, CacheWriteJob, RouteRequest } from '@aigw/contracts';
import { CacheJobs, Subjects } from '@aigw/contracts';
import { InProcessJobQueue } from '@aigw/jobs';
import { cacheUnavailable } from '@aigw/observability';
import type { BusTransport } from '@aigw/messaging';
import { BusClient, createClientProxy, inProcessTransport, startBusService } from '@aigw/messaging';
import type { FastifyRequest } from 'fastify';
import { firstValueFrom, NEVER } from 'rxjs';
import { JobRecorder } from '../jobs/job-recorder';
import { CACHE_COOL_DOWN_MS, cacheHeaders, CompletionCache } from './completion-cache';

const config = parseConfigText(
  `
auth: { required: false }
cacheSettings: { cacheEnabled: true, lookupTimeoutMs: 200 }
applications:
  - { id: cached, type: chat, cacheSettings: { useCache: true }, endpoints: [{ id: m, provider: mock }] }
  - { id: plain, type: chat, endpoints: [{ id: m, provider: mock }] }
`,
  {},
);
const app = (id: string) => config.applications.find((a) => a.id === id) ?? config.applications[0];

/** The cache service's lookup subject, scripted per test. */
let script: (payload: unknown) => Promise<CacheLookupReply> | CacheLookupReply;
let lookups = 0;

@Controller()
class ScriptedCache {
  @MessagePattern(Subjects.cache.lookup)
  lookup(@Payload() payload: unknown): Promise<CacheLookupReply> | CacheLookupReply {
    lookups++;
    return script(payload);
  }
}

@Module({ controllers: [ScriptedCache] })
class ScriptedCacheModule {}

const routeRequest: RouteRequest = {
  requestId: 'req-1',
  applicationId: 'cached',
  consumerId: 'team-a',
  body: { model: 'cached', messages: [{ role: 'user', content: 'hi' }] },
};
const http = (query: Record<string, string> = {}, headers: Record<string, string> = {}) =>
  ({ query, headers }) as unknown as FastifyRequest;

describe('CompletionCache (the gateway side)', () => {
  let transport: BusTransport;
  let service: INestMicroservice | null;
  let bus: BusClient;
  let queue: InProcessJobQueue<CacheWriteJob>;
  let now: number;
  let cache: CompletionCache;

  beforeEach(async () => {
    transport = inProcessTransport();
    service = await startBusService({
      service: 'cache',
      module: { module: ScriptedCacheModule },
      transport,
      configVersion: () => 'test',
      logger: false,
    });
    bus = new BusClient(createClientProxy('gateway', transport));
    await bus.connect();
    queue = new InProcessJobQueue<CacheWriteJob>(CacheJobs.queue);
    now = 1_000_000;
    const writes = new JobRecorder<CacheWriteJob>(queue, {
      jobName: CacheJobs.write,
      jobId: (job) => CacheJobs.writeJobId(job.requestId),
      attempts: 3,
      backoffMs: 1_000,
    });
    cache = new CompletionCache(LiveConfig.fromFile(config), bus, writes, () => now);
    lookups = 0;
  });

  afterEach(async () => {
    await service?.close();
    await bus.close();
    await queue.close();
  });

  it('serves a hit with its headers', async () => {
    script = () => ({ result: 'hit', tier: 'semantic', similarity: 0.9712345678, body: { id: 'x' } });
    const outcome = await cache.lookup(http(), app('cached'), 'chat', routeRequest);
    expect(outcome).toEqual({ kind: 'hit', tier: 'semantic', similarity: 0.9712345678, body: { id: 'x' } });
    expect(cacheHeaders(outcome)).toEqual({
      'x-aigw-cache': 'hit',
      'x-aigw-cache-tier': 'semantic',
      'x-aigw-cache-similarity': '0.971235',
    });
  });

  it('asks nothing for an application that is not cached, nor for embeddings', async () => {
    script = () => ({ result: 'miss', embedding: null });
    expect(await cache.lookup(http(), app('plain'), 'chat', routeRequest)).toEqual({ kind: 'off' });
    expect(await cache.lookup(http(), app('cached'), 'embeddings', routeRequest)).toEqual({ kind: 'off' });
    expect(cacheHeaders({ kind: 'off' })).toEqual({});
    expect(lookups).toBe(0);
  });

  it.each([
    ['?use_cache=false', http({ use_cache: 'false' })],
    ['x-aigw-use-cache: false', http({}, { 'x-aigw-use-cache': 'False' })],
  ])('bypasses the cache on %s', async (_case, request) => {
    script = () => ({ result: 'hit', tier: 'exact', similarity: 1, body: {} });
    const outcome = await cache.lookup(request, app('cached'), 'chat', routeRequest);
    expect(outcome).toEqual({ kind: 'bypass' });
    expect(cacheHeaders(outcome)).toEqual({ 'x-aigw-cache': 'bypass' });
    expect(lookups).toBe(0);
  });

  it('does not bypass on use_cache=true (no effect, as in the seed)', async () => {
    script = () => ({ result: 'miss', embedding: [0.5] });
    expect(await cache.lookup(http({ use_cache: 'true' }), app('cached'), 'chat', routeRequest)).toEqual({
      kind: 'miss',
      write: true,
      embedding: [0.5],
    });
  });

  it('queues the answer of a miss once, under the request id, and never that of a bypass', async () => {
    script = () => ({ result: 'miss', embedding: null });
    const written: CacheWriteJob[] = [];
    queue.process(async (job) => void written.push(job.data));
    const miss = await cache.lookup(http(), app('cached'), 'chat', routeRequest);
    cache.store(miss, routeRequest, 'chat', () => ({ choices: [] }));
    cache.store(miss, routeRequest, 'chat', () => ({ choices: [] }));
    // A bypass never even reads the answer (the gateway would parse the relayed text for it).
    const unread = jest.fn(() => ({ choices: [] }));
    cache.store({ kind: 'bypass' }, { ...routeRequest, requestId: 'req-2' }, 'chat', unread);
    expect(unread).not.toHaveBeenCalled();
    await pollUntil(() => written.length === 1);
    // The handler has run; the queue marks the job done right after it returns.
    await pollUntil(async () => (await queue.counts()).active === 0);
    await expect(queue.counts()).resolves.toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    expect(written).toEqual([
      { ...routeRequest, operation: 'chat', response: { choices: [] }, embedding: null },
    ]);
  });

  it('serves a miss (and writes nothing) when the cache service fails, or is not there', async () => {
    const unavailableBefore =
      (await cacheUnavailable.get()).values.find((v) => v.labels.application === 'cached')?.value ?? 0;
    script = () => ({ result: 'unavailable', reason: 'exact tier: Connection is closed.' });
    expect(await cache.lookup(http(), app('cached'), 'chat', routeRequest)).toEqual({
      kind: 'miss',
      write: false,
      embedding: null,
    });
    await service?.close();
    service = null;
    expect(await cache.lookup(http(), app('cached'), 'chat', routeRequest)).toEqual({
      kind: 'miss',
      write: false,
      embedding: null,
    });
    expect(cache.unavailableCount).toBe(2);
    const exported = (await cacheUnavailable.get()).values.find((v) => v.labels.application === 'cached');
    expect(exported?.value).toBe(unavailableBefore + 2);
  });

  it('after a lookup that timed out, serves misses without asking until the cool-down ends', async () => {
    script = () => firstValueFrom(NEVER);
    expect(await cache.lookup(http(), app('cached'), 'chat', routeRequest)).toMatchObject({
      kind: 'miss',
      write: false,
    });
    expect(lookups).toBe(1);
    now += CACHE_COOL_DOWN_MS - 1;
    expect(await cache.lookup(http(), app('cached'), 'chat', routeRequest)).toMatchObject({
      kind: 'miss',
      write: false,
    });
    expect(lookups).toBe(1);
    now += 1;
    script = () => ({ result: 'skip', reason: 'temperature 1.5 is above 1' });
    expect(await cache.lookup(http(), app('cached'), 'chat', routeRequest)).toEqual({ kind: 'bypass' });
    expect(lookups).toBe(2);
  });
});

async function pollUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
