import { Inject, Injectable, Logger } from '@nestjs/common';
import { entryExpiryMs } from '@aigw/config';
import type { CacheWriteJob } from '@aigw/contracts';
import { CacheWriteJobSchema } from '@aigw/contracts';
import type { Job } from '@aigw/jobs';
import { EMBEDDER, EXACT_STORE, SEMANTIC_STORE } from '../cache.options';
import type { Embedder } from '../embedding/embedder';
import type { ExactStore } from '../exact/exact-store';
import { requestDecision, responseDecision } from '../keys/cache-policy';
import { requestKeys } from '../keys/request-keys';
import { CacheLookupService, isZero } from '../lookup/cache-lookup.service';
import type { SemanticRepository } from '../semantic/semantic.repository';

export type CacheWriteOutcome = 'written' | 'duplicate' | 'not-cacheable' | 'malformed';

/**
 * A `cache.write` job: the answer goes to the exact tier (Redis, with the application's `entryExpiry`
 * as TTL) and, with its embedding, to the semantic tier. A store failure rejects, so the queue retries;
 * the request id makes the retry idempotent (`SET` overwrites, the insert skips a known request id).
 */
@Injectable()
export class CacheWriteProcessor {
  readonly #logger = new Logger('CacheWrite');

  constructor(
    private readonly lookups: CacheLookupService,
    @Inject(EXACT_STORE) private readonly exact: ExactStore,
    @Inject(SEMANTIC_STORE) private readonly semantic: SemanticRepository | null,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  async handle(job: Job<unknown>): Promise<CacheWriteOutcome> {
    const parsed = CacheWriteJobSchema.safeParse(job.data);
    if (!parsed.success) {
      this.#logger.error(
        `cache write ${job.id} dropped, malformed: ${parsed.error.issues[0]?.message ?? '?'}`,
      );
      return 'malformed';
    }
    return this.write(parsed.data);
  }

  async write(entry: CacheWriteJob): Promise<CacheWriteOutcome> {
    const settings = this.lookups.settingsOf(entry.applicationId);
    if (settings === null || this.semantic === null) return 'not-cacheable';
    const decision = requestDecision(entry.body, settings);
    const answer = decision.cacheable ? responseDecision(entry.response, settings) : decision;
    if (!answer.cacheable) {
      this.#logger.debug(`answer of ${entry.requestId} not cached: ${answer.reason}`);
      return 'not-cacheable';
    }
    const keys = requestKeys(entry, settings);
    await this.exact.set(keys.exactKey, { body: entry.response }, entryExpiryMs(settings));
    if (keys.searchText === '') return 'written';
    const given = entry.embedding;
    const embedding =
      given !== null && given.length === this.embedder.dimensions
        ? given
        : await this.embedder.embed(keys.searchText, entry.requestId);
    if (isZero(embedding)) return 'written';
    const added = await this.semantic.insert({
      requestId: entry.requestId,
      applicationId: entry.applicationId,
      consumerScope: keys.consumerScope,
      contextKey: keys.contextKey,
      embedding,
      response: entry.response,
    });
    return added ? 'written' : 'duplicate';
  }
}
