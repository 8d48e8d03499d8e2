import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ChatMessage } from '@aigw/contracts';

/** One turn of a thread: the client's messages and the assistant's reply, in order. Once per request. */
@Entity({ name: 'memory_interactions' })
export class InteractionEntity {
  @PrimaryColumn({ name: 'thread_id', type: 'uuid' })
  threadId!: string;

  @PrimaryColumn({ name: 'request_id', type: 'text' })
  requestId!: string;

  /** Order of the turns (an identity column). */
  @Column({ type: 'bigint', insert: false, update: false })
  seq!: string;

  @Column({ type: 'jsonb' })
  messages!: ChatMessage[];

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
