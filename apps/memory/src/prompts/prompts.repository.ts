import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PromptRecord } from '@aigw/contracts';
import { DataSource } from 'typeorm';
import { MEMORY_DATA_SOURCE } from '../memory.tokens';

const INSERT_PROMPT = `
  INSERT INTO memory_prompts (
    request_id, application_id, consumer_id, operation, endpoint_id, provider, requested_model, model,
    end_user, thread_id, stream, prompt, completion, prompt_tokens, completion_tokens, total_tokens,
    latency_ms, status, cache_hit, error, finished_at, recorded_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13::jsonb, $14, $15, $16, $17, $18,
    $19, $20::jsonb, $21, $22)
  ON CONFLICT (request_id) DO NOTHING
  RETURNING request_id`;

/** jsonb parameters go as JSON text: node-postgres would send a JS array as a Postgres array. */
function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

@Injectable()
export class PromptsRepository {
  constructor(@InjectDataSource(MEMORY_DATA_SOURCE) private readonly db: DataSource) {}

  /** Stores one request, once per request id; returns false when it was stored before. */
  async insert(record: PromptRecord, recordedAt: Date): Promise<boolean> {
    const rows = await this.db.query<Array<{ request_id: string }>>(INSERT_PROMPT, [
      record.requestId,
      record.applicationId,
      record.consumerId,
      record.operation,
      record.endpointId,
      record.provider,
      record.requestedModel,
      record.model,
      record.user,
      record.threadId,
      record.stream,
      json(record.prompt),
      json(record.completion),
      record.promptTokens,
      record.completionTokens,
      record.totalTokens,
      record.latencyMs,
      record.status,
      record.cacheHit,
      json(record.error),
      new Date(record.finishedAt),
      recordedAt,
    ]);
    return rows.length > 0;
  }

  async count(): Promise<number> {
    const rows = await this.db.query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM memory_prompts');
    return rows[0]?.n ?? 0;
  }
}
