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
import { countersOf } from './usage-counters';

const MARK_PROCESSED = `
  INSERT INTO metrics_processed_requests (request_id, processed_at) VALUES ($1, $2)
  ON CONFLICT (request_id) DO NOTHING
  RETURNING request_id`;

const ADD_TO_BUCKET = `
  INSERT INTO metrics_minute_buckets AS t (application_id, endpoint_id, bucket_start, ${COUNTER_COLUMN_LIST})
  VALUES ($1, $2, $3, ${counterPlaceholders(4)})
  ON CONFLICT (application_id, endpoint_id, bucket_start) DO UPDATE SET ${addExcludedCounters('t')}`;

const ADD_TO_TOTAL = `
  INSERT INTO metrics_totals AS t (application_id, endpoint_id, ${COUNTER_COLUMN_LIST})
  VALUES ($1, $2, ${counterPlaceholders(3)})
  ON CONFLICT (application_id, endpoint_id) DO UPDATE SET ${addExcludedCounters('t')}`;

/** Every write of a usage record: the dedupe table, the minute buckets and the all-time totals. */
@Injectable()
export class UsageRepository {
  constructor(@InjectDataSource(METRICS_DATA_SOURCE) private readonly db: DataSource) {}

  /**
   * Adds one request to its minute bucket and to the totals, exactly once: in one transaction, the
   * request id is inserted into the dedupe table first, and only a first insert adds the counters.
   * A redelivered record (a retried or stalled job) finds its id and changes nothing; a transaction
   * that fails leaves nothing behind, so the queue's retry starts clean.
   * Returns whether the request was counted now (false: it was already).
   */
  async record(event: UsageEvent, bucketStart: Date, processedAt: Date): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const marked = await tx.query<unknown[]>(MARK_PROCESSED, [event.requestId, processedAt]);
      if (marked.length === 0) return false;
      const endpointId = event.endpointId ?? NO_ENDPOINT_ID;
      const values = counterValues(countersOf(event));
      await tx.query(ADD_TO_BUCKET, [event.applicationId, endpointId, bucketStart, ...values]);
      await tx.query(ADD_TO_TOTAL, [event.applicationId, endpointId, ...values]);
      return true;
    });
  }
}
