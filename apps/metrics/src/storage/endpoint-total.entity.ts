import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CounterColumns } from './counter.columns';

/** All-time counters of one (application, endpoint), updated with every request. */
@Entity({ name: 'metrics_totals' })
export class EndpointTotalEntity {
  @PrimaryColumn({ name: 'application_id', type: 'text' })
  applicationId!: string;

  /** `NO_ENDPOINT_ID` when no endpoint answered. */
  @PrimaryColumn({ name: 'endpoint_id', type: 'text' })
  endpointId!: string;

  @Column(() => CounterColumns, { prefix: false })
  counters!: CounterColumns;
}
