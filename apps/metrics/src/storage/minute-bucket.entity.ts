import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CounterColumns } from './counter.columns';

/**
 * The counters of one (application, endpoint) for one minute, by the time each response ended. The
 * collect job folds finished minutes into `metrics_intervals` and deletes them.
 */
@Entity({ name: 'metrics_minute_buckets' })
export class MinuteBucketEntity {
  @PrimaryColumn({ name: 'application_id', type: 'text' })
  applicationId!: string;

  /** `NO_ENDPOINT_ID` when no endpoint answered. */
  @PrimaryColumn({ name: 'endpoint_id', type: 'text' })
  endpointId!: string;

  @PrimaryColumn({ name: 'bucket_start', type: 'timestamptz' })
  bucketStart!: Date;

  @Column(() => CounterColumns, { prefix: false })
  counters!: CounterColumns;
}
