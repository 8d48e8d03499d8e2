import type { SearchType } from '@aigw/config';
import { escapeLiteral } from 'pg';
import type { DataSource } from 'typeorm';
import { assertDimensions, DISTANCE, vectorIndexStatements } from './vector-indexes';

/**
 * Bound on one nearest-neighbour query on Postgres: a slow database is a miss, not a slow request.
 * (PGlite, single-threaded WASM, has no timers: there the lookup's own timeout at the gateway bounds it.)
 */
export const SEARCH_STATEMENT_TIMEOUT_MS = 400;

/**
 * Candidates the HNSW walk keeps (`hnsw.ef_search`). The walk is what a semantic lookup costs (its
 * distance computations; on PGlite about 4 ms at 40 and 8 ms at 100 with 100,000 entries): a lookup
 * first walks with pgvector's default 40, and only when that finds nothing above the threshold walks
 * again with 100 (the recall of a confirmed miss; a miss then pays an upstream call anyway).
 */
export const EF_SEARCH_FIRST = 40;
export const EF_SEARCH_CONFIRM = 100;

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
   *
   * One round trip: the settings (`SET LOCAL`) and the query go as one simple-protocol message, which
   * Postgres runs as one implicit transaction, so the settings hold for the query and end with it. The
   * simple protocol takes no parameters: the values are quoted by `pg`'s `escapeLiteral`, the vector
   * is numbers only (`vectorLiteral`) and the rest are integers of ours.
   */
  async nearest(query: NearestQuery, efSearch: number = EF_SEARCH_CONFIRM): Promise<Nearest | null> {
    const dimensions = query.embedding.length;
    assertDimensions(dimensions);
    if (!Number.isInteger(efSearch) || efSearch < 1 || efSearch > 1_000)
      throw new TypeError(`ef_search ${efSearch} is not an integer in 1..1000 (pgvector's bound)`);
    const { operator } = DISTANCE[query.searchType];
    const vector = `${escapeLiteral(vectorLiteral(query.embedding))}::vector(${dimensions})`;
    const distance = `embedding::vector(${dimensions}) ${operator} ${vector}`;
    const score =
      query.searchType === 'CS'
        ? `1 - (${distance})`
        : query.searchType === 'IP'
          ? `-(${distance})`
          : distance;
    const sql =
      `SET LOCAL hnsw.iterative_scan = strict_order; SET LOCAL hnsw.ef_search = ${efSearch}; ` +
      `SET LOCAL statement_timeout = ${SEARCH_STATEMENT_TIMEOUT_MS}; ` +
      `SELECT response, ${score} AS score FROM cache_entries
        WHERE dimensions = ${dimensions} AND application_id = ${escapeLiteral(query.applicationId)}
          AND context_key = ${escapeLiteral(query.contextKey)}
          AND consumer_scope = ${escapeLiteral(query.consumerScope)}
          AND created_at >= ${escapeLiteral(query.createdAfter.toISOString())}::timestamptz
        ORDER BY ${distance} LIMIT 1`;
    const runner = this.dataSource.createQueryRunner();
    try {
      // TypeORM keeps only a single statement's rows: the driver's client gives every statement's.
      const client = (await runner.connect()) as SimpleQueryClient;
      const results = await client.query(sql);
      const row = (Array.isArray(results) ? results.at(-1) : results)?.rows[0] as NearestRow | undefined;
      return row === undefined ? null : { score: Number(row.score), response: row.response };
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

interface NearestRow {
  readonly response: Record<string, unknown>;
  readonly score: number | string;
}

/** What `QueryRunner.connect()` gives for Postgres: a `pg` pool client (the simple protocol without values). */
interface SimpleQueryClient {
  query(sql: string): Promise<{ rows: unknown[] } | Array<{ rows: unknown[] }>>;
}

/** pgvector's text form, `[1,2,3]`; a non-finite number would be refused by Postgres anyway. */
export function vectorLiteral(vector: readonly number[]): string {
  if (!vector.every(Number.isFinite)) throw new TypeError('a vector holds only finite numbers');
  return `[${vector.join(',')}]`;
}
