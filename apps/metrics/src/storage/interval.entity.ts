import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CounterColumns } from './counter.columns';

/**
 * The history: the counters of one (application, endpoint) over one finished collection interval.
 * Intervals are aligned on the epoch (`interval_start` is a multiple of their length); the collect job
 * keeps the last `historyCount` of them.
 */
@Entity({ name: 'metrics_intervals' })
export class IntervalEntity {
  @PrimaryColumn({ name: 'application_id', type: 'text' })
  applicationId!: string;

  /** `NO_ENDPOINT_ID` when no endpoint answered. */
  @PrimaryColumn({ name: 'endpoint_id', type: 'text' })
  endpointId!: string;

  @PrimaryColumn({ name: 'interval_start', type: 'timestamptz' })
  intervalStart!: Date;

  /** The configured interval length when the interval was closed. */
  @Column({ name: 'interval_minutes', type: 'integer' })
  intervalMinutes!: number;

  @Column(() => CounterColumns, { prefix: false })
  counters!: CounterColumns;
}
