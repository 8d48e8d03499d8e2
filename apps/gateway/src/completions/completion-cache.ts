import { Logger } from '@nestjs/common';
import type { GatewayConfig, LiveConfig, ResolvedApplication } from '@aigw/config';
import type { CacheLookupReply, CacheWriteJob, RouteRequest } from '@aigw/contracts';
import { CACHEABLE_OPERATIONS, CacheLookupReplySchema, Subjects } from '@aigw/contracts';
import type { BusClient } from '@aigw/messaging';
import type { Operation } from '@aigw/openai-schema';
import { cacheUnavailable } from '@aigw/observability';
import type { FastifyRequest } from 'fastify';
import type { JobRecorder } from '../jobs/job-recorder';

/** Per request: `?use_cache=false`, as the seed gateway; or this header with `false`. */
export const USE_CACHE_HEADER = 'x-aigw-use-cache';

/** After the cache service failed to answer in time, lookups are skipped this long (served as misses). */
export const CACHE_COOL_DOWN_MS = 5_000;

/**
 * What the cache made of one request:
 * - `off`: the application is not cached (no header);
 * - `bypass`: the client opted out, or the application's policy does not cache this request;
 * - `hit`: the cached answer, and its similarity;
 * - `miss`: go upstream; `write` says whether to cache the answer (not after a cache failure).
 */
export type CacheOutcome =
  | { readonly kind: 'off' }
  | { readonly kind: 'bypass' }
  | {
      readonly kind: 'hit';
      readonly tier: 'exact' | 'semantic';
      readonly similarity: number;
      readonly body: Record<string, unknown>;
    }
  | { readonly kind: 'miss'; readonly write: boolean; readonly embedding: number[] | null };

function exportCachedAtZero(config: GatewayConfig): void {
  for (const app of config.applications)
    if (config.cacheSettings.cacheEnabled && app.cacheSettings?.useCache === true)
      cacheUnavailable.inc({ application: app.id }, 0);
}

/**
 * The gateway's side of the semantic cache: one `cache.v1.lookup` before the dispatch to the router,
 * bounded by `cacheSettings.lookupTimeoutMs`; one `cache.write` job after a good answer, off the
 * request path. Nothing here ever fails a request: an unreachable cache is a miss, counted (in
 * `aigw_cache_unavailable_total`) and logged.
 */
export class CompletionCache {
  readonly #logger = new Logger('CompletionCache');
  #coolingUntil = 0;
  #unavailable = 0;

  constructor(
    private readonly live: LiveConfig,
    private readonly bus: BusClient,
    private readonly writes: JobRecorder<CacheWriteJob>,
    private readonly now: () => number = Date.now,
  ) {
    // Exported at 0 for every cached application (those a change adds too), so the first outage shows
    // as a rise.
    exportCachedAtZero(live.config);
    live.onChange((next) => exportCachedAtZero(next.config));
  }

  /**
   * The outcome of a request the cache service is not asked about (the cache off for it, the client
   * opting out, the service cooling down after a failure), or null when it must be asked (`lookup`).
   */
  unasked(request: FastifyRequest, app: ResolvedApplication, operation: Operation): CacheOutcome | null {
    if (!this.live.config.cacheSettings.cacheEnabled || app.cacheSettings?.useCache !== true) return OFF;
    if (operation === 'embeddings' || !CACHEABLE_OPERATIONS.includes(operation)) return OFF;
    if (optedOut(request)) return { kind: 'bypass' };
    if (this.now() < this.#coolingUntil) return this.#unavailableMiss(app.id, null);
    return null;
  }

  async lookup(
    request: FastifyRequest,
    app: ResolvedApplication,
    operation: Operation,
    routeRequest: RouteRequest,
  ): Promise<CacheOutcome> {
    const unasked = this.unasked(request, app, operation);
    if (unasked !== null) return unasked;
    let reply: CacheLookupReply;
    try {
      const raw = await this.bus.request<unknown>(
        Subjects.cache.lookup,
        { ...routeRequest, operation },
        { timeoutMs: this.live.config.cacheSettings.lookupTimeoutMs },
      );
      reply = CacheLookupReplySchema.parse(raw);
    } catch (error: unknown) {
      this.#coolingUntil = this.now() + CACHE_COOL_DOWN_MS;
      return this.#unavailableMiss(app.id, error);
    }
    switch (reply.result) {
      case 'hit':
        return { kind: 'hit', tier: reply.tier, similarity: reply.similarity, body: reply.body };
      case 'miss':
        return { kind: 'miss', write: true, embedding: reply.embedding };
      case 'skip':
        return { kind: 'bypass' };
      case 'unavailable':
        return this.#unavailableMiss(app.id, new Error(reply.reason));
    }
  }

  /**
   * Queues the answer of a miss for the cache (job id `cache.<requestId>`); never throws. What could
   * not be queued is counted on `/health` (the `cache` queue's `notQueuedCount`). `answer` is called
   * only when the answer is to be stored (it may parse the relayed text).
   */
  store(
    outcome: CacheOutcome,
    routeRequest: RouteRequest,
    operation: Operation,
    answer: () => Record<string, unknown> | null,
  ): void {
    if (outcome.kind !== 'miss' || !outcome.write || operation === 'embeddings') return;
    const response = answer();
    if (response === null) return;
    void this.writes.record({ ...routeRequest, operation, response, embedding: outcome.embedding });
  }

  /** Lookups served as misses because the cache could not answer, since the start. */
  get unavailableCount(): number {
    return this.#unavailable;
  }

  #unavailableMiss(applicationId: string, error: unknown): CacheOutcome {
    this.#unavailable++;
    cacheUnavailable.inc({ application: applicationId });
    if (error !== null)
      this.#logger.warn(
        `cache unavailable, request served as a miss (${this.#unavailable} so far): ${(error as Error).message}`,
      );
    return { kind: 'miss', write: false, embedding: null };
  }
}

const OFF: CacheOutcome = { kind: 'off' };

/** The response headers of an outcome: `x-aigw-cache` (and on a hit, the tier and the similarity). */
export function cacheHeaders(outcome: CacheOutcome): Record<string, string> {
  switch (outcome.kind) {
    case 'off':
      return {};
    case 'hit':
      return {
        'x-aigw-cache': 'hit',
        'x-aigw-cache-tier': outcome.tier,
        'x-aigw-cache-similarity': String(Math.round(outcome.similarity * 1e6) / 1e6),
      };
    default:
      return { 'x-aigw-cache': outcome.kind };
  }
}

function optedOut(request: FastifyRequest): boolean {
  const query = request.query as Record<string, unknown> | undefined;
  const header = request.headers[USE_CACHE_HEADER];
  return isFalse(query?.['use_cache']) || isFalse(header);
}

function isFalse(value: unknown): boolean {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first.trim().toLowerCase() === 'false';
}
