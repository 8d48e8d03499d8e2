import type { SearchType } from '@aigw/config';
import type { DataSource } from 'typeorm';
import { assertDimensions, DISTANCE, vectorIndexStatements } from './vector-indexes';

/** Bound on one nearest-neighbour query: a slow database is a miss, not a slow request. */
export const SEARCH_STATEMENT_TIMEOUT_MS = 400;

/** Candidates the HNSW walk keeps (pgvector's default is 40): a little latency for a better recall. */
export const EF_SEARCH = 100;

export interface NearestQuery {
  readonly applicationId: string;
  readonly consumerScope: string;
  readonly contextKey: string;
  readonly searchType: SearchType;
  readonly embedding: readonly number[];
  /** Entries created before this are expired (the application's current `entryExpiry`). */
  readonly createdAfter: Date;
}

export interface Nearest {
  /** CS: cosine similarity; LS: L2 distance; IP: inner product. */
  readonly score: number;
  readonly response: Record<string, unknown>;
}

export interface NewEntry {
  readonly requestId: string;
  readonly applicationId: string;
  readonly consumerScope: string;
  readonly contextKey: string;
  readonly embedding: readonly number[];
  readonly response: Record<string, unknown>;
}

/** The semantic tier: `cache_entries` in Postgres with pgvector, searched through its HNSW indexes. */
export class SemanticRepository {
  constructor(private readonly dataSource: DataSource) {}

  async ensureIndexes(dimensions: number): Promise<void> {
    for (const statement of vectorIndexStatements(dimensions)) await this.dataSource.query(statement);
  }

  /**
   * The closest entry of the same scope and context, through the HNSW index of the search type. The
   * filter is applied while the index is walked (`hnsw.iterative_scan`, pgvector ≥ 0.8): otherwise the
   * index yields its `ef_search` nearest of every scope and the filter may leave none.
   */
  async nearest(query: NearestQuery): Promise<Nearest | null> {
    const dimensions = query.embedding.length;
    assertDimensions(dimensions);
    const { operator } = DISTANCE[query.searchType];
    const distance = `embedding::vector(${dimensions}) ${operator} $1::vector(${dimensions})`;
    const score =
      query.searchType === 'CS'
        ? `1 - (${distance})`
        : query.searchType === 'IP'
          ? `-(${distance})`
          : distance;
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      await runner.query(
        `SET LOCAL hnsw.iterative_scan = strict_order; SET LOCAL hnsw.ef_search = ${EF_SEARCH}; ` +
          `SET LOCAL statement_timeout = ${SEARCH_STATEMENT_TIMEOUT_MS}`,
      );
      const rows = (await runner.query(
        `SELECT response, ${score} AS score FROM cache_entries
          WHERE dimensions = ${dimensions} AND application_id = $2 AND context_key = $3
            AND consumer_scope = $4 AND created_at >= $5
          ORDER BY ${distance} LIMIT 1`,
        [
          vectorLiteral(query.embedding),
          query.applicationId,
          query.contextKey,
          query.consumerScope,
          query.createdAfter,
        ],
      )) as Array<{ response: Record<string, unknown>; score: number | string }>;
      await runner.commitTransaction();
      const row = rows[0];
      return row === undefined ? null : { score: Number(row.score), response: row.response };
    } catch (error: unknown) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** Idempotent by request id: a retried write job adds nothing. Returns whether a row was added. */
  async insert(entry: NewEntry): Promise<boolean> {
    assertDimensions(entry.embedding.length);
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO cache_entries
         (request_id, application_id, consumer_scope, context_key, dimensions, embedding, response)
       VALUES ($1, $2, $3, $4, $5, $6::vector, $7::jsonb)
       ON CONFLICT (request_id) DO NOTHING RETURNING id`,
      [
        entry.requestId,
        entry.applicationId,
        entry.consumerScope,
        entry.contextKey,
        entry.embedding.length,
        vectorLiteral(entry.embedding),
        JSON.stringify(entry.response),
      ],
    );
    return rows.length > 0;
  }

  /** Deletes the application's entries created before `cutoff`; returns how many. */
  async deleteCreatedBefore(applicationId: string, cutoff: Date): Promise<number> {
    const [, affected] = await this.dataSource.query<[unknown, number]>(
      'DELETE FROM cache_entries WHERE application_id = $1 AND created_at < $2',
      [applicationId, cutoff],
    );
    return affected;
  }
}

/** pgvector's text form, `[1,2,3]`; a non-finite number would be refused by Postgres anyway. */
export function vectorLiteral(vector: readonly number[]): string {
  if (!vector.every(Number.isFinite)) throw new TypeError('a vector holds only finite numbers');
  return `[${vector.join(',')}]`;
}
