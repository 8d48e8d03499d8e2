import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ChatMessage, MemoryAppendJob } from '@aigw/contracts';
import { DataSource } from 'typeorm';
import { MEMORY_DATA_SOURCE } from '../memory.tokens';
import type { StoredInteraction } from './history-trim';

export interface ThreadRow {
  readonly applicationId: string;
  readonly consumerId: string | null;
  readonly system: ChatMessage[];
  readonly expiresAt: Date | null;
  readonly pendingRequestId: string | null;
  readonly pendingSince: Date | null;
}

export interface AppendPolicy {
  readonly msgCount: number;
  readonly expiryMs: number | null;
}

const SELECT_THREAD = `
  SELECT application_id, consumer_id, system, expires_at, pending_request_id, pending_since
  FROM memory_threads WHERE thread_id = $1`;

const CREATE_THREAD = `
  INSERT INTO memory_threads (thread_id, application_id, consumer_id, system, created_at, last_used_at)
  VALUES ($1, $2, $3, '[]', $4, $4)
  ON CONFLICT (thread_id) DO NOTHING`;

const INSERT_INTERACTION = `
  INSERT INTO memory_interactions (thread_id, request_id, messages, created_at)
  SELECT $1, $2, $3::jsonb, $4 FROM memory_threads
  WHERE thread_id = $1 AND application_id = $5 AND consumer_id IS NOT DISTINCT FROM $6
  ON CONFLICT (thread_id, request_id) DO NOTHING
  RETURNING seq`;

const TOUCH_THREAD = `
  UPDATE memory_threads SET
    last_used_at = $2,
    expires_at = $3,
    system = CASE WHEN jsonb_array_length($4::jsonb) > 0 THEN $4::jsonb ELSE system END
  WHERE thread_id = $1`;

/** The first turn and the last `msgCount` stay (see `interactionsToKeep`); the rest are deleted. */
const PRUNE_INTERACTIONS = `
  DELETE FROM memory_interactions WHERE thread_id = $1
    AND seq > (SELECT min(seq) FROM memory_interactions WHERE thread_id = $1)
    AND seq NOT IN (SELECT seq FROM memory_interactions WHERE thread_id = $1 ORDER BY seq DESC LIMIT $2)`;

const RELEASE_PENDING = `
  UPDATE memory_threads SET pending_request_id = NULL, pending_since = NULL
  WHERE thread_id = $1 AND pending_request_id = $2`;

/** Every read and write of threads and their interactions. */
@Injectable()
export class ThreadsRepository {
  constructor(@InjectDataSource(MEMORY_DATA_SOURCE) private readonly db: DataSource) {}

  async find(threadId: string): Promise<ThreadRow | null> {
    const rows = await this.db.query<
      Array<{
        application_id: string;
        consumer_id: string | null;
        system: ChatMessage[];
        expires_at: Date | null;
        pending_request_id: string | null;
        pending_since: Date | null;
      }>
    >(SELECT_THREAD, [threadId]);
    const row = rows[0];
    if (row === undefined) return null;
    return {
      applicationId: row.application_id,
      consumerId: row.consumer_id,
      system: row.system,
      expiresAt: row.expires_at,
      pendingRequestId: row.pending_request_id,
      pendingSince: row.pending_since,
    };
  }

  /** Marks `requestId` as the turn being served (the next load of the thread waits for its append). */
  async markPending(threadId: string, requestId: string, at: Date): Promise<void> {
    await this.db.query(
      'UPDATE memory_threads SET pending_request_id = $2, pending_since = $3 WHERE thread_id = $1',
      [threadId, requestId, at],
    );
  }

  /** The thread's turns in order (at most the first and the last `msgCount`: older ones are pruned). */
  async interactions(threadId: string): Promise<StoredInteraction[]> {
    const rows = await this.db.query<Array<{ messages: ChatMessage[] }>>(
      'SELECT messages FROM memory_interactions WHERE thread_id = $1 ORDER BY seq',
      [threadId],
    );
    return rows.map((row) => ({ messages: row.messages }));
  }

  /**
   * Appends one turn, once per request id, in one transaction: the thread is created on its first
   * turn, the turn inserted (a redelivered job finds its request id and changes nothing), the expiry
   * moved on, the turns `trimHistory` no longer needs deleted, and the pending mark released.
   * A turn for a thread of another application or key is ignored. Returns whether it was appended now.
   */
  async append(job: MemoryAppendJob, policy: AppendPolicy): Promise<boolean> {
    const at = new Date(job.finishedAt);
    return this.db.transaction(async (tx) => {
      if (job.reply !== null)
        await tx.query(CREATE_THREAD, [job.threadId, job.applicationId, job.consumerId, at]);
      let appended = false;
      if (job.reply !== null) {
        const inserted = await tx.query<Array<{ seq: string }>>(INSERT_INTERACTION, [
          job.threadId,
          job.requestId,
          JSON.stringify([...job.messages, job.reply]),
          at,
          job.applicationId,
          job.consumerId,
        ]);
        appended = inserted.length > 0;
      }
      if (appended) {
        const expiresAt = policy.expiryMs === null ? null : new Date(at.getTime() + policy.expiryMs);
        await tx.query(TOUCH_THREAD, [job.threadId, at, expiresAt, JSON.stringify(job.system)]);
        await tx.query(PRUNE_INTERACTIONS, [job.threadId, policy.msgCount]);
      }
      await tx.query(RELEASE_PENDING, [job.threadId, job.requestId]);
      return appended;
    });
  }

  /** Deletes the threads expired at `now` (their turns go with them); returns how many. */
  async deleteExpired(now: Date): Promise<number> {
    // A CTE, because TypeORM returns [rows, count] for a bare DELETE and rows for a SELECT.
    const rows = await this.db.query<Array<{ deleted: number }>>(
      `WITH gone AS (DELETE FROM memory_threads WHERE expires_at <= $1 RETURNING 1)
       SELECT count(*)::int AS deleted FROM gone`,
      [now],
    );
    return rows[0]?.deleted ?? 0;
  }
}
