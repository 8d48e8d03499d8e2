import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { createTypeOrmOptions } from '@aigw/persistence';
import { MEMORY_DATA_SOURCE } from './memory.tokens';
import { APPEND_CONCURRENCY } from './threads/append.processor';
import { PROMPT_CONCURRENCY } from './prompts/prompts.processor';
import { CreateMemoryTables1795500000000 } from './storage/create-memory-tables.migration';
import { InteractionEntity } from './storage/interaction.entity';
import { PromptEntity } from './storage/prompt.entity';
import { ThreadEntity } from './storage/thread.entity';

export const MEMORY_ENTITIES = [ThreadEntity, InteractionEntity, PromptEntity];
export const MEMORY_MIGRATIONS = [CreateMemoryTables1795500000000];
export const MEMORY_MIGRATIONS_TABLE = 'memory_migrations';

/** The memory service's DataSource: its own tables and migration history, in any shared database. */
export function memoryDataSourceOptions(
  databaseUrl: string,
  applicationName = 'aigw-memory',
): PostgresConnectionOptions {
  return createTypeOrmOptions({
    url: databaseUrl,
    name: MEMORY_DATA_SOURCE,
    entities: MEMORY_ENTITIES,
    migrations: MEMORY_MIGRATIONS,
    migrationsTableName: MEMORY_MIGRATIONS_TABLE,
    applicationName,
    // A connection per job running on each queue, plus loads and the sweep.
    poolSize: APPEND_CONCURRENCY + PROMPT_CONCURRENCY + 4,
  });
}
