import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LiveConfig } from '@aigw/config';
import type { JobQueues } from '@aigw/jobs';
import { memoryDataSourceOptions } from './memory-data-source';
import { CLOCK, JOB_QUEUES, SYSTEM_CLOCK } from './memory.tokens';
import { PromptsProcessor } from './prompts/prompts.processor';
import { PromptsRepository } from './prompts/prompts.repository';
import { SweepProcessor } from './sweep/sweep.processor';
import { AppendProcessor } from './threads/append.processor';
import { LoadThreadService } from './threads/load-thread.service';
import { MemoryMessagesController } from './threads/memory.messages.controller';
import { ThreadsRepository } from './threads/threads.repository';

export interface MemoryModuleOptions {
  /** The configuration, kept current by the launcher's `ConfigSync`. */
  readonly live: LiveConfig;
  /** The machine's Postgres in distributed mode, the embedded one otherwise. */
  readonly databaseUrl: string;
  /** The process's queues: the service works the `memory`, `memory-sweep` and `prompts` queues. */
  readonly jobs: JobQueues;
}

/**
 * The memory service: conversation threads (`memory.v1.load` on the bus, turns appended from the
 * `memory` queue, expired threads swept by a repeatable job) and prompt persistence (the `prompts`
 * queue). It owns the `memory_*` tables on its own DataSource with its own migration history.
 */
@Module({})
export class MemoryModule {
  static forRoot(options: MemoryModuleOptions): DynamicModule {
    return {
      module: MemoryModule,
      imports: [
        TypeOrmModule.forRoot({
          ...memoryDataSourceOptions(options.databaseUrl),
          retryAttempts: 2,
          retryDelay: 1_000,
        }),
      ],
      controllers: [MemoryMessagesController],
      providers: [
        { provide: LiveConfig, useValue: options.live },
        { provide: JOB_QUEUES, useValue: options.jobs },
        { provide: CLOCK, useValue: SYSTEM_CLOCK },
        ThreadsRepository,
        PromptsRepository,
        LoadThreadService,
        AppendProcessor,
        PromptsProcessor,
        SweepProcessor,
      ],
    };
  }
}
