import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CacheJobs } from '@aigw/contracts';
import type { Job } from '@aigw/jobs';
import type { CacheModuleOptions } from './cache.options';
import { CACHE_OPTIONS, EMBEDDER, SEMANTIC_STORE } from './cache.options';
import type { Embedder } from './embedding/embedder';
import { CacheExpiry } from './expiry/cache-expiry.service';
import type { SemanticRepository } from './semantic/semantic.repository';
import { CacheWriteProcessor } from './write/cache-write.processor';

/** Cache writes taken from the queue at once by one cache process. */
export const CACHE_WRITE_CONCURRENCY = 8;

/**
 * The worker of the `cache` queue (writes, and the repeatable `cache.expire` sweep) and the owner of
 * the sweep's schedule; re-registering it on start applies a new `cacheInvalidationSchedule`.
 */
@Injectable()
export class CacheQueueWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly #logger = new Logger('CacheQueue');
  readonly #running = new Set<Promise<unknown>>();
  readonly #expiry: CacheExpiry;
  #stopping = false;
  #unwatch: (() => void) | null = null;

  constructor(
    @Inject(CACHE_OPTIONS) private readonly options: CacheModuleOptions,
    @Inject(SEMANTIC_STORE) private readonly semantic: SemanticRepository,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
    private readonly writes: CacheWriteProcessor,
  ) {
    this.#expiry = new CacheExpiry(options.live, semantic);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.semantic.ensureIndexes(this.embedder.dimensions);
    const queue = this.options.jobs.get<unknown>(CacheJobs.queue);
    queue.process((job) => this.handle(job), { concurrency: CACHE_WRITE_CONCURRENCY });
    const cron = this.options.live.config.cacheSettings.cacheInvalidationSchedule;
    await queue.schedule(CacheJobs.expire, cron, {});
    this.#unwatch = this.options.live.onChange((next, previous) => {
      const nextCron = next.config.cacheSettings.cacheInvalidationSchedule;
      if (nextCron === previous.config.cacheSettings.cacheInvalidationSchedule) return;
      queue.schedule(CacheJobs.expire, nextCron, {}).then(
        () => this.#logger.log(`expiring on "${nextCron}" from now on`),
        (error: unknown) => this.#logger.warn(`expiry schedule not updated: ${String(error)}`),
      );
    });
    this.#logger.log(
      `caching with the ${this.embedder.name} vectorizer (${this.embedder.dimensions} dimensions)` +
        `${this.embedder.name === 'local' ? ', lexical matching only' : ''}; expiring on "${cron}"`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.#stopping = true;
    this.#unwatch?.();
    await Promise.allSettled([...this.#running]);
  }

  async handle(job: Job<unknown>): Promise<void> {
    if (this.#stopping) throw new Error('the cache service is stopping; the job will be retried');
    const work =
      job.name === CacheJobs.expire
        ? this.#expiry.expire()
        : job.name === CacheJobs.write
          ? this.writes.handle(job)
          : Promise.resolve(this.#logger.warn(`job ${job.id} (${job.name}) ignored: not a cache job`));
    this.#running.add(work);
    try {
      await work;
    } finally {
      this.#running.delete(work);
    }
  }
}
