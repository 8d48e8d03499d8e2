import type { MigrationInterface, QueryRunner } from 'typeorm';

const COUNTERS = `
  api_calls           bigint           NOT NULL DEFAULT 0,
  failed_api_calls    bigint           NOT NULL DEFAULT 0,
  throttled_api_calls bigint           NOT NULL DEFAULT 0,
  filtered_api_calls  bigint           NOT NULL DEFAULT 0,
  total_api_calls     bigint           NOT NULL DEFAULT 0,
  prompt_tokens       bigint           NOT NULL DEFAULT 0,
  completion_tokens   bigint           NOT NULL DEFAULT 0,
  latency_ms_sum      double precision NOT NULL DEFAULT 0,
  ttft_ms_sum         double precision NOT NULL DEFAULT 0,
  ttft_count          bigint           NOT NULL DEFAULT 0,
  cache_hits          bigint           NOT NULL DEFAULT 0,
  retries             bigint           NOT NULL DEFAULT 0`;

export class CreateMetricsTables1795400000000 implements MigrationInterface {
  name = 'CreateMetricsTables1795400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE metrics_processed_requests (
        request_id   text        PRIMARY KEY,
        processed_at timestamptz NOT NULL
      )`);
    await runner.query(
      'CREATE INDEX metrics_processed_requests_processed_at ON metrics_processed_requests (processed_at)',
    );
    await runner.query(`
      CREATE TABLE metrics_minute_buckets (
        application_id text        NOT NULL,
        endpoint_id    text        NOT NULL,
        bucket_start   timestamptz NOT NULL,${COUNTERS},
        PRIMARY KEY (application_id, endpoint_id, bucket_start)
      )`);
    await runner.query(
      'CREATE INDEX metrics_minute_buckets_bucket_start ON metrics_minute_buckets (bucket_start)',
    );
    await runner.query(`
      CREATE TABLE metrics_totals (
        application_id text NOT NULL,
        endpoint_id    text NOT NULL,${COUNTERS},
        PRIMARY KEY (application_id, endpoint_id)
      )`);
    await runner.query(`
      CREATE TABLE metrics_intervals (
        application_id   text        NOT NULL,
        endpoint_id      text        NOT NULL,
        interval_start   timestamptz NOT NULL,
        interval_minutes integer     NOT NULL,${COUNTERS},
        PRIMARY KEY (application_id, endpoint_id, interval_start)
      )`);
    await runner.query('CREATE INDEX metrics_intervals_interval_start ON metrics_intervals (interval_start)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE metrics_intervals');
    await runner.query('DROP TABLE metrics_totals');
    await runner.query('DROP TABLE metrics_minute_buckets');
    await runner.query('DROP TABLE metrics_processed_requests');
  }
}
