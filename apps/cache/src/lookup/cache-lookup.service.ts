import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Span } from '@opentelemetry/api';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { CacheSettings, LiveConfig } from '@aigw/config';
import { entryExpiryMs, searchThreshold } from '@aigw/config';
import type { CacheLookupReply, CacheLookupRequest } from '@aigw/contracts';
import { CACHE_OPTIONS, CACHE_STATS, EMBEDDER, EXACT_STORE, SEMANTIC_STORE } from '../cache.options';
import type { CacheModuleOptions } from '../cache.options';
import type { Embedder } from '../embedding/embedder';
import type { ExactStore } from '../exact/exact-store';
import { IDENTICAL_SCORE, passesThreshold, requestDecision } from '../keys/cache-policy';
import { requestKeys } from '../keys/request-keys';
import type { Nearest, SemanticRepository } from '../semantic/semantic.repository';
import { EF_SEARCH_CONFIRM, EF_SEARCH_FIRST } from '../semantic/semantic.repository';
import type { CacheStats, LookupOutcome } from '../stats/cache-stats';

const tracer = trace.getTracer('aigw.cache');

/**
 * One lookup: the exact tier first (a hash of the normalised request), then the semantic tier (the
 * nearest entry of the same context, a hit when it passes the application's threshold). A store that
 * fails makes the lookup `unavailable`, which the gateway serves as a miss.
 */
@Injectable()
export class CacheLookupService {
  readonly #logger = new Logger('CacheLookup');
  readonly #live: LiveConfig;

  constructor(
    @Inject(CACHE_OPTIONS) options: CacheModuleOptions,
    @Inject(EXACT_STORE) private readonly exact: ExactStore,
    @Inject(SEMANTIC_STORE) private readonly semantic: SemanticRepository | null,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
    @Inject(CACHE_STATS) private readonly stats: CacheStats,
  ) {
    this.#live = options.live;
  }

  /** The application's settings when it is cached at all (global switch and `useCache`). */
  settingsOf(applicationId: string): CacheSettings | null {
    const config = this.#live.config;
    if (!config.cacheSettings.cacheEnabled || this.semantic === null) return null;
    const settings = config.applications.find((a) => a.id === applicationId)?.cacheSettings;
    return settings?.useCache === true ? settings : null;
  }

  /** Ids of the applications the cache serves. */
  cachedApplications(): string[] {
    return this.#live.config.applications.filter((a) => this.settingsOf(a.id) !== null).map((a) => a.id);
  }

  /**
   * In a span of its own (`cache lookup`, under the bus hop's consumer span), with what it found:
   * `aigw.cache.result` (hit, miss, skip, unavailable), the tier of a hit, and the similarity of the
   * nearest entry (of a hit, or of a semantic miss that had a candidate below the threshold).
   */
  lookup(request: CacheLookupRequest): Promise<CacheLookupReply> {
    return tracer.startActiveSpan(
      'cache lookup',
      { attributes: { 'aigw.application.id': request.applicationId, 'aigw.operation': request.operation } },
      async (span) => {
        try {
          const reply = await this.#lookup(request, span);
          endLookupSpan(span, reply);
          return reply;
        } catch (error: unknown) {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  }

  async #lookup(request: CacheLookupRequest, span: Span): Promise<CacheLookupReply> {
    const settings = this.settingsOf(request.applicationId);
    if (settings === null) return { result: 'skip', reason: 'the application is not cached' };
    const decision = requestDecision(request.body, settings);
    if (!decision.cacheable) return { result: 'skip', reason: decision.reason };

    span.setAttribute('aigw.cache.search_type', settings.searchType);
    const reply = await this.#search(request, settings, span);
    const outcome: LookupOutcome =
      reply.result === 'hit'
        ? { result: 'hit', similarity: reply.similarity }
        : { result: reply.result === 'miss' ? 'miss' : 'unavailable' };
    // Counted after the reply is decided, never failing it.
    this.stats.record(request.applicationId, outcome).catch((error: unknown) => {
      this.#logger.debug(`cache counters not updated: ${(error as Error).message}`);
    });
    return reply;
  }

  async #search(request: CacheLookupRequest, settings: CacheSettings, span: Span): Promise<CacheLookupReply> {
    const keys = requestKeys(request, settings);
    let stage = 'exact tier';
    try {
      const exact = await this.exact.get(keys.exactKey);
      if (exact !== null)
        return {
          result: 'hit',
          tier: 'exact',
          similarity: IDENTICAL_SCORE[settings.searchType],
          body: exact.body,
        };
      if (keys.searchText === '' || this.semantic === null) return { result: 'miss', embedding: null };
      stage = `vectorizer ${this.embedder.name}`;
      const embedding = await this.embedder.embed(keys.searchText, request.requestId);
      // A text with no word (punctuation only) embeds to zero, which no distance is defined for.
      if (isZero(embedding)) return { result: 'miss', embedding: null };
      stage = 'semantic tier';
      const nearestQuery = {
        applicationId: request.applicationId,
        consumerScope: keys.consumerScope,
        contextKey: keys.contextKey,
        searchType: settings.searchType,
        embedding,
        createdAfter: new Date(Date.now() - entryExpiryMs(settings)),
      };
      const passes = (nearest: Nearest | null): nearest is Nearest =>
        nearest !== null && passesThreshold(settings.searchType, nearest.score, searchThreshold(settings));
      // A quick walk first; a wider one only to confirm a miss (see EF_SEARCH_FIRST). None at all in
      // the context: the filtered walk has already gone through as many entries as it may.
      let efSearch = EF_SEARCH_FIRST;
      let nearest = await this.semantic.nearest(nearestQuery, efSearch);
      if (nearest !== null && !passes(nearest)) {
        efSearch = EF_SEARCH_CONFIRM;
        nearest = await this.semantic.nearest(nearestQuery, efSearch);
      }
      span.setAttribute('aigw.cache.hnsw_ef_search', efSearch);
      if (nearest !== null) span.setAttribute('aigw.cache.similarity', nearest.score);
      if (passes(nearest))
        return { result: 'hit', tier: 'semantic', similarity: nearest.score, body: nearest.response };
      return { result: 'miss', embedding };
    } catch (error: unknown) {
      const reason = `${stage}: ${(error as Error).message}`;
      this.#logger.warn(`lookup of request ${request.requestId} served as a miss (${reason})`);
      return { result: 'unavailable', reason };
    }
  }
}

function endLookupSpan(span: Span, reply: CacheLookupReply): void {
  span.setAttribute('aigw.cache.result', reply.result);
  if (reply.result === 'hit')
    span.setAttributes({ 'aigw.cache.tier': reply.tier, 'aigw.cache.similarity': reply.similarity });
  else if (reply.result === 'skip') span.setAttribute('aigw.cache.skip_reason', reply.reason);
  // A store failed: the gateway serves a miss, and the span says why.
  else if (reply.result === 'unavailable')
    span.setStatus({ code: SpanStatusCode.ERROR, message: reply.reason });
}

export function isZero(vector: readonly number[]): boolean {
  return vector.every((v) => v === 0);
}
