import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateMemoryTables1795500000000 implements MigrationInterface {
  name = 'CreateMemoryTables1795500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE memory_threads (
        thread_id          uuid        PRIMARY KEY,
        application_id     text        NOT NULL,
        consumer_id        text,
        system             jsonb       NOT NULL DEFAULT '[]',
        created_at         timestamptz NOT NULL,
        last_used_at       timestamptz NOT NULL,
        expires_at         timestamptz,
        pending_request_id text,
        pending_since      timestamptz
      )`);
    await runner.query(
      'CREATE INDEX memory_threads_expires_at ON memory_threads (expires_at) WHERE expires_at IS NOT NULL',
    );
    await runner.query(`
      CREATE TABLE memory_interactions (
        thread_id  uuid        NOT NULL REFERENCES memory_threads (thread_id) ON DELETE CASCADE,
        request_id text        NOT NULL,
        seq        bigint      GENERATED ALWAYS AS IDENTITY,
        messages   jsonb       NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (thread_id, request_id)
      )`);
    await runner.query('CREATE INDEX memory_interactions_thread_seq ON memory_interactions (thread_id, seq)');
    await runner.query(`
      CREATE TABLE memory_prompts (
        request_id        text             PRIMARY KEY,
        application_id    text             NOT NULL,
        consumer_id       text,
        operation         text             NOT NULL,
        endpoint_id       text,
        provider          text,
        requested_model   text,
        model             text,
        end_user          text,
        thread_id         uuid,
        stream            boolean          NOT NULL,
        prompt            jsonb,
        completion        jsonb,
        prompt_tokens     integer          NOT NULL,
        completion_tokens integer          NOT NULL,
        total_tokens      integer          NOT NULL,
        latency_ms        double precision NOT NULL,
        status            integer          NOT NULL,
        cache_hit         boolean          NOT NULL,
        error             jsonb,
        finished_at       timestamptz      NOT NULL,
        recorded_at       timestamptz      NOT NULL
      )`);
    await runner.query(
      'CREATE INDEX memory_prompts_application_finished ON memory_prompts (application_id, finished_at)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE memory_prompts');
    await runner.query('DROP TABLE memory_interactions');
    await runner.query('DROP TABLE memory_threads');
  }
}
