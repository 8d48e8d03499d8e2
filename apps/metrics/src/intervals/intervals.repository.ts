import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { METRICS_DATA_SOURCE } from '../metrics.tokens';
import type { CounterRow } from '../storage/counter-sql';
import {
  addExcludedCounters,
  COUNTER_COLUMN_LIST,
  countersFromRow,
  SUM_COUNTERS,
} from '../storage/counter-sql';
import type { Counters } from '../usage/usage-counters';
import type { CollectionWindow } from './collection-window';

/**
 * Moves the finished minute buckets into their intervals, adding to what an interval already holds:
 * each bucket is deleted in the same statement that adds it, so it counts once even when a record
 * arrives late (its bucket is folded by the next run) or two collectors run at the same time.
 */
const FOLD_BUCKETS = `
  WITH finished AS (
    DELETE FROM metrics_minute_buckets WHERE bucket_start < $1
    RETURNING *
  )
  INSERT INTO metrics_intervals AS t
    (application_id, endpoint_id, interval_start, interval_minutes, ${COUNTER_COLUMN_LIST})
  SELECT application_id, endpoint_id,
         to_timestamp(floor(extract(epoch FROM bucket_start) / $2::integer) * $2::integer),
         $3::integer, ${SUM_COUNTERS}
  FROM finished
  GROUP BY 1, 2, 3
  ON CONFLICT (application_id, endpoint_id, interval_start) DO UPDATE
    SET interval_minutes = EXCLUDED.interval_minutes, ${addExcludedCounters('t')}
  RETURNING 1`;

const HISTORY = `
  SELECT * FROM (
    SELECT i.*, row_number() OVER (
      PARTITION BY application_id, endpoint_id ORDER BY interval_start DESC
    ) AS newest
    FROM metrics_intervals i
    WHERE application_id = ANY($1)
  ) latest
  WHERE newest <= $2
  ORDER BY application_id, endpoint_id, interval_start`;

interface IntervalDbRow extends CounterRow {
  readonly application_id: string;
  readonly endpoint_id: string;
  readonly interval_start: Date;
  readonly interval_minutes: number;
}

export interface CollectResult {
  /** (application, endpoint, interval) rows created or added to. */
  readonly intervalsClosed: number;
  readonly intervalsPruned: number;
  readonly requestIdsPruned: number;
}

export interface IntervalRow {
  readonly applicationId: string;
  /** `NO_ENDPOINT_ID` when no endpoint answered. */
  readonly endpointId: string;
  readonly intervalStart: Date;
  readonly intervalMinutes: number;
  readonly counters: Counters;
}

/** Every read and write of `metrics_intervals`, and the pruning of what the history no longer needs. */
@Injectable()
export class IntervalsRepository {
  constructor(@InjectDataSource(METRICS_DATA_SOURCE) private readonly db: DataSource) {}

  /** One transaction: fold the finished minutes, then drop history and dedupe rows out of the window. */
  async collect(window: CollectionWindow): Promise<CollectResult> {
    return this.db.transaction(async (tx) => {
      const closed = await tx.query<unknown[]>(FOLD_BUCKETS, [
        window.foldBefore,
        window.intervalMinutes * 60,
        window.intervalMinutes,
      ]);
      const [, intervalsPruned] = await tx.query<[unknown[], number]>(
        'DELETE FROM metrics_intervals WHERE interval_start < $1',
        [window.keepHistoryFrom],
      );
      const [, requestIdsPruned] = await tx.query<[unknown[], number]>(
        'DELETE FROM metrics_processed_requests WHERE processed_at < $1',
        [window.keepProcessedFrom],
      );
      return { intervalsClosed: closed.length, intervalsPruned, requestIdsPruned };
    });
  }

  /** The latest `limit` intervals of each endpoint of these applications, oldest first. */
  async latest(applicationIds: readonly string[], limit: number): Promise<IntervalRow[]> {
    const rows = await this.db.query<IntervalDbRow[]>(HISTORY, [applicationIds, limit]);
    return rows.map((row) => ({
      applicationId: row.application_id,
      endpointId: row.endpoint_id,
      intervalStart: new Date(row.interval_start),
      intervalMinutes: row.interval_minutes,
      counters: countersFromRow(row),
    }));
  }
}
