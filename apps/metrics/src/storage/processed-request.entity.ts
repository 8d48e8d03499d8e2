import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The requests already aggregated: the first delivery of a usage record inserts its id, a redelivery
 * finds it and adds nothing. Rows older than the dedupe window are pruned by the collect job.
 */
@Entity({ name: 'metrics_processed_requests' })
export class ProcessedRequestEntity {
  @PrimaryColumn({ name: 'request_id', type: 'text' })
  requestId!: string;

  @Column({ name: 'processed_at', type: 'timestamptz' })
  processedAt!: Date;
}
