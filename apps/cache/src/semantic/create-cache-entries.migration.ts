import type { MigrationInterface, QueryRunner } from 'typeorm';
import { LOCAL_DIMENSIONS } from '../embedding/local.embedder';
import { vectorIndexStatements } from './vector-indexes';

/**
 * The semantic tier's table. Indexes for the local embedder's vectors and OpenAI's 1536 are created
 * here; any other vectorizer length gets its own at start (`SemanticRepository.ensureIndexes`).
 */
export class CreateCacheEntries1795500000000 implements MigrationInterface {
  name = 'CreateCacheEntries1795500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE EXTENSION IF NOT EXISTS vector');
    await runner.query(`
      CREATE TABLE cache_entries (
        id             bigserial   PRIMARY KEY,
        request_id     text        NOT NULL UNIQUE,
        application_id text        NOT NULL,
        consumer_scope text        NOT NULL,
        context_key    text        NOT NULL,
        dimensions     integer     NOT NULL,
        embedding      vector      NOT NULL,
        response       jsonb       NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      'CREATE INDEX cache_entries_scope ON cache_entries (application_id, context_key, consumer_scope)',
    );
    await runner.query('CREATE INDEX cache_entries_created_at ON cache_entries (application_id, created_at)');
    for (const dimensions of [LOCAL_DIMENSIONS, 1536])
      for (const statement of vectorIndexStatements(dimensions)) await runner.query(statement);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE cache_entries');
  }
}
