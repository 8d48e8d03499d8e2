import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['metrics_minute_buckets', 'metrics_totals', 'metrics_intervals'];

/** The seed's cache `avgScore`: the sum of the hits' similarity scores, and how many hits had one. */
export class AddCacheScores1795500000000 implements MigrationInterface {
  name = 'AddCacheScores1795500000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const table of TABLES)
      await runner.query(`
        ALTER TABLE ${table}
          ADD COLUMN cache_score_sum   double precision NOT NULL DEFAULT 0,
          ADD COLUMN cache_score_count bigint           NOT NULL DEFAULT 0`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of TABLES)
      await runner.query(`ALTER TABLE ${table} DROP COLUMN cache_score_count, DROP COLUMN cache_score_sum`);
  }
}
