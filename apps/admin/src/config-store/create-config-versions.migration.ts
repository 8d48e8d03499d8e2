import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateConfigVersions1795300000000 implements MigrationInterface {
  name = 'CreateConfigVersions1795300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE config_versions (
        version      text        PRIMARY KEY,
        applications integer     NOT NULL,
        recorded_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE config_versions');
  }
}
