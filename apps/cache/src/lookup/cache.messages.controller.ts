import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { CacheLookupReply, CacheStatsReply } from '@aigw/contracts';
import { CacheLookupRequestSchema, CacheStatsRequestSchema, GatewayError, Subjects } from '@aigw/contracts';
import { Inject } from '@nestjs/common';
import { CACHE_STATS } from '../cache.options';
import type { CacheStats } from '../stats/cache-stats';
import { CacheLookupService } from './cache-lookup.service';

/** The cache service's bus API (its health subject is answered by the shared health controller). */
@Controller()
export class CacheMessagesController {
  constructor(
    private readonly lookups: CacheLookupService,
    @Inject(CACHE_STATS) private readonly stats: CacheStats,
  ) {}

  @MessagePattern(Subjects.cache.lookup)
  lookup(@Payload() payload: unknown): Promise<CacheLookupReply> {
    const request = CacheLookupRequestSchema.safeParse(payload);
    if (!request.success)
      throw new GatewayError(
        'invalid_request',
        'A cache lookup needs requestId, applicationId, consumerId, operation and body.',
      );
    return this.lookups.lookup(request.data);
  }

  /** The seed's `cacheMetrics` (`hitCount`, `avgScore`) of each cached application asked for. */
  @MessagePattern(Subjects.cache.stats)
  async cacheStats(@Payload() payload: unknown): Promise<CacheStatsReply> {
    const request = CacheStatsRequestSchema.safeParse(payload);
    if (!request.success)
      throw new GatewayError(
        'invalid_request',
        'A cache stats request needs "applicationIds" (a list or null).',
      );
    const ids = (request.data.applicationIds ?? this.lookups.cachedApplications()).filter(
      (id) => this.lookups.settingsOf(id) !== null,
    );
    const metrics = await this.stats.read(ids);
    return {
      applications: ids.map((applicationId) => ({
        applicationId,
        cacheMetrics: metrics.get(applicationId) ?? {
          hitCount: 0,
          avgScore: null,
          missCount: 0,
          unavailableCount: 0,
        },
      })),
    };
  }
}
