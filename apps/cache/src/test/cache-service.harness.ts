import type { INestMicroservice } from '@nestjs/common';
import type { GatewayConfig } from '@aigw/config';
import { LiveConfig, parseConfigText } from '@aigw/config';
import type { CacheLookupReply, CacheLookupRequest, CacheStatsReply, CacheWriteJob } from '@aigw/contracts';
import { CacheJobs, Subjects } from '@aigw/contracts';
import { JobQueues } from '@aigw/jobs';
import { BusClient, createClientProxy, inProcessTransport, startBusService } from '@aigw/messaging';
import { randomUUID } from 'node:crypto';
import { deleteRedisKeys } from '@aigw/testing';
import { definition } from '../cache.definition';

export const MACHINE_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * The cache service as it runs in distributed mode (Redis exact tier and BullMQ queue under a prefix
 * of this run, Postgres with pgvector), on an in-process bus, with a client to call it.
 */
export class CacheServiceHarness {
  private constructor(
    readonly config: GatewayConfig,
    readonly prefix: string,
    private readonly service: INestMicroservice,
    private readonly client: BusClient,
    readonly jobs: JobQueues,
    private readonly redisUrl: string,
  ) {}

  static async start(options: {
    yaml: string;
    databaseUrl: string;
    redisUrl?: string;
  }): Promise<CacheServiceHarness> {
    const config = parseConfigText(options.yaml, {});
    const redisUrl = options.redisUrl ?? MACHINE_REDIS_URL;
    const prefix = `aigw-test-${randomUUID()}`;
    const transport = inProcessTransport();
    const jobs = new JobQueues({ mode: 'distributed', redisUrl, prefix });
    const service = await startBusService({
      service: 'cache',
      module: definition.createModule({
        mode: 'distributed',
        live: LiveConfig.fromFile(config),
        transport,
        mockLlmUrl: null,
        databaseUrl: options.databaseUrl,
        redisUrl,
        redisPrefix: prefix,
        jobs,
      }),
      transport,
      configVersion: () => config.version,
      logger: false,
    });
    const client = new BusClient(createClientProxy('test', transport));
    await client.connect();
    return new CacheServiceHarness(config, prefix, service, client, jobs, redisUrl);
  }

  lookup(request: CacheLookupRequest): Promise<CacheLookupReply> {
    return this.client.request<CacheLookupReply>(Subjects.cache.lookup, request, { timeoutMs: 5_000 });
  }

  stats(applicationIds: string[] | null): Promise<CacheStatsReply> {
    return this.client.request<CacheStatsReply>(
      Subjects.cache.stats,
      { applicationIds },
      { timeoutMs: 5_000 },
    );
  }

  write(job: CacheWriteJob): Promise<void> {
    return this.jobs.get<CacheWriteJob>(CacheJobs.queue).add(CacheJobs.write, job, {
      jobId: CacheJobs.writeJobId(job.requestId),
    });
  }

  /** Runs the sweep now, through the queue, as the schedule would. */
  expireNow(runId: string): Promise<void> {
    return this.jobs
      .get<unknown>(CacheJobs.queue)
      .add(CacheJobs.expire, {}, { jobId: `cache.expire.${runId}` });
  }

  async close(): Promise<void> {
    await this.service.close();
    await this.client.close();
    await this.jobs.close();
    await deleteRedisKeys(this.redisUrl, this.prefix).catch(() => undefined);
  }
}

/** Polls until `condition` holds (no fixed sleeps in tests). */
export async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: last ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
