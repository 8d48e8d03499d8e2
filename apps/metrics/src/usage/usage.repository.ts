import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { UsageEvent } from '@aigw/contracts';
import { DataSource } from 'typeorm';
import { METRICS_DATA_SOURCE } from '../metrics.tokens';
import { NO_ENDPOINT_ID } from '../storage/aggregate-keys';
import {
  addExcludedCounters,
  COUNTER_COLUMN_LIST,
  counterPlaceholders,
  counterValues,
} from '../storage/counter-sql';
import type { Counters } from './usage-counters';
import { addCounters, countersOf } from './usage-counters';

const MARK_PROCESSED = `
  INSERT INTO metrics_processed_requests (request_id, processed_at)
  SELECT request_id, $2 FROM unnest($1::text[]) AS request_id
  ON CONFLICT (request_id) DO NOTHING
  RETURNING request_id`;

const ADD_TO_BUCKET_HEAD = `INSERT INTO metrics_minute_buckets AS t
  (application_id, endpoint_id, bucket_start, ${COUNTER_COLUMN_LIST})`;
const ADD_TO_BUCKET_TAIL = `ON CONFLICT (application_id, endpoint_id, bucket_start)
  DO UPDATE SET ${addExcludedCounters('t')}`;

const ADD_TO_TOTAL_HEAD = `INSERT INTO metrics_totals AS t (application_id, endpoint_id, ${COUNTER_COLUMN_LIST})`;
const ADD_TO_TOTAL_TAIL = `ON CONFLICT (application_id, endpoint_id) DO UPDATE SET ${addExcludedCounters('t')}`;

/** One usage record and the minute it is counted in. */
export interface UsageEntry {
  readonly event: UsageEvent;
  readonly bucketStart: Date;
}

/** Every write of a usage record: the dedupe table, the minute buckets and the all-time totals. */
@Injectable()
export class UsageRepository {
  constructor(@InjectDataSource(METRICS_DATA_SOURCE) private readonly db: DataSource) {}

  /**
   * Adds requests to their minute buckets and to the totals, each exactly once: in one transaction, the
   * request ids are inserted into the dedupe table first, and only the first insert of an id adds its
   * counters. A redelivered record (a retried or stalled job) finds its id and changes nothing; a
   * transaction that fails leaves nothing behind, so the queue's retries start clean.
   * Returns, per entry, whether it was counted now (false: it was already, or earlier in `entries`).
   */
  async recordAll(entries: readonly UsageEntry[], processedAt: Date): Promise<boolean[]> {
    const ids = [...new Set(entries.map((entry) => entry.event.requestId))];
    return this.db.transaction(async (tx) => {
      const marked = await tx.query<Array<{ request_id: string }>>(MARK_PROCESSED, [ids, processedAt]);
      const fresh = new Set(marked.map((row) => row.request_id));
      const counted = entries.map((entry) => fresh.delete(entry.event.requestId));
      const buckets = new Sums();
      const totals = new Sums();
      entries.forEach(({ event, bucketStart }, i) => {
        if (!counted[i]) return;
        const counters = countersOf(event);
        const endpointId = event.endpointId ?? NO_ENDPOINT_ID;
        buckets.add([event.applicationId, endpointId, bucketStart], counters);
        totals.add([event.applicationId, endpointId], counters);
      });
      if (buckets.size > 0) await tx.query(...buckets.upsert(ADD_TO_BUCKET_HEAD, ADD_TO_BUCKET_TAIL));
      if (totals.size > 0) await tx.query(...totals.upsert(ADD_TO_TOTAL_HEAD, ADD_TO_TOTAL_TAIL));
      return counted;
    });
  }

  /** One record; see `recordAll`. */
  async record(event: UsageEvent, bucketStart: Date, processedAt: Date): Promise<boolean> {
    const [counted] = await this.recordAll([{ event, bucketStart }], processedAt);
    return counted === true;
  }
}

type Key = ReadonlyArray<string | Date>;

/**
 * Counters summed per aggregate row, so one multi-row upsert touches each row once (Postgres refuses
 * an `ON CONFLICT DO UPDATE` that would affect the same row twice in one statement).
 */
class Sums {
  readonly #rows = new Map<string, { key: Key; counters: Counters }>();

  get size(): number {
    return this.#rows.size;
  }

  add(key: Key, counters: Counters): void {
    const id = key.map((part) => (part instanceof Date ? part.toISOString() : part)).join('\u0000');
    const row = this.#rows.get(id);
    this.#rows.set(id, { key, counters: row ? addCounters(row.counters, counters) : counters });
  }

  /** `head VALUES (…), (…) tail` with every value a bind parameter. */
  upsert(head: string, tail: string): [string, unknown[]] {
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const { key, counters } of this.#rows.values()) {
      const from = params.length + 1;
      params.push(...key, ...counterValues(counters));
      const keys = key.map((_, i) => `$${from + i}`).join(', ');
      tuples.push(`(${keys}, ${counterPlaceholders(from + key.length)})`);
    }
    return [`${head} VALUES ${tuples.join(', ')} ${tail}`, params];
  }
}
