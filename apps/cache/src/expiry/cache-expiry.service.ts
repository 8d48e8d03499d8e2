import { Logger } from '@nestjs/common';
import { entryExpiryMs } from '@aigw/config';
import type { LiveConfig } from '@aigw/config';
import type { SemanticRepository } from '../semantic/semantic.repository';

/**
 * The `cache.expire` job (the seed's cache entry invalidator), run on `cacheInvalidationSchedule`:
 * deletes each cached application's entries older than its `entryExpiry`. Lookups already ignore them;
 * this keeps the table (and its indexes) small. The exact tier expires by itself (Redis TTL).
 */
export class CacheExpiry {
  readonly #logger = new Logger('CacheExpiry');

  constructor(
    private readonly live: LiveConfig,
    private readonly semantic: SemanticRepository,
    private readonly now: () => number = Date.now,
  ) {}

  async expire(): Promise<number> {
    let deleted = 0;
    for (const app of this.live.config.applications) {
      if (app.cacheSettings === undefined) continue;
      deleted += await this.semantic.deleteCreatedBefore(
        app.id,
        new Date(this.now() - entryExpiryMs(app.cacheSettings)),
      );
    }
    if (deleted > 0) this.#logger.log(`deleted ${deleted} expired cache entr${deleted === 1 ? 'y' : 'ies'}`);
    return deleted;
  }
}
