import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One persisted request (the seed's `apigtwyprompts`), once per request id. */
@Entity({ name: 'memory_prompts' })
export class PromptEntity {
  @PrimaryColumn({ name: 'request_id', type: 'text' })
  requestId!: string;

  @Column({ name: 'application_id', type: 'text' })
  applicationId!: string;

  @Column({ name: 'consumer_id', type: 'text', nullable: true })
  consumerId!: string | null;

  @Column({ type: 'text' })
  operation!: string;

  @Column({ name: 'endpoint_id', type: 'text', nullable: true })
  endpointId!: string | null;

  @Column({ type: 'text', nullable: true })
  provider!: string | null;

  @Column({ name: 'requested_model', type: 'text', nullable: true })
  requestedModel!: string | null;

  @Column({ type: 'text', nullable: true })
  model!: string | null;

  /** The request body's `user` field (`user` is reserved in SQL). */
  @Column({ name: 'end_user', type: 'text', nullable: true })
  user!: string | null;

  @Column({ name: 'thread_id', type: 'uuid', nullable: true })
  threadId!: string | null;

  @Column({ type: 'boolean' })
  stream!: boolean;

  @Column({ type: 'jsonb', nullable: true })
  prompt!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  completion!: unknown;

  @Column({ name: 'prompt_tokens', type: 'integer' })
  promptTokens!: number;

  @Column({ name: 'completion_tokens', type: 'integer' })
  completionTokens!: number;

  @Column({ name: 'total_tokens', type: 'integer' })
  totalTokens!: number;

  @Column({ name: 'latency_ms', type: 'double precision' })
  latencyMs!: number;

  @Column({ type: 'integer' })
  status!: number;

  @Column({ name: 'cache_hit', type: 'boolean' })
  cacheHit!: boolean;

  @Column({ type: 'jsonb', nullable: true })
  error!: { code: string; message: string } | null;

  @Column({ name: 'finished_at', type: 'timestamptz' })
  finishedAt!: Date;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}
