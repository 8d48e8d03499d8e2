import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ChatMessage } from '@aigw/contracts';

/**
 * One conversation thread (`x-thread-id`). It belongs to the application and API key that started it.
 * `pending_request_id` marks the turn being served, so the next turn's load waits until it is appended.
 */
@Entity({ name: 'memory_threads' })
export class ThreadEntity {
  @PrimaryColumn({ name: 'thread_id', type: 'uuid' })
  threadId!: string;

  @Column({ name: 'application_id', type: 'text' })
  applicationId!: string;

  @Column({ name: 'consumer_id', type: 'text', nullable: true })
  consumerId!: string | null;

  @Column({ type: 'jsonb' })
  system!: ChatMessage[];

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz' })
  lastUsedAt!: Date;

  /** `last_used_at` + the application's `entryExpiry`; null: never expires. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'pending_request_id', type: 'text', nullable: true })
  pendingRequestId!: string | null;

  @Column({ name: 'pending_since', type: 'timestamptz', nullable: true })
  pendingSince!: Date | null;
}
