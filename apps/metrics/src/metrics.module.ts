import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LiveConfig } from '@aigw/config';
import type { JobQueues } from '@aigw/jobs';
import { createTypeOrmOptions } from '@aigw/persistence';
import { CollectProcessor } from './intervals/collect.processor';
import { IntervalsRepository } from './intervals/intervals.repository';
import { CLOCK, JOB_QUEUES, METRICS_DATA_SOURCE, SYSTEM_CLOCK } from './metrics.tokens';
import { AddCacheScores1795500000000 } from './storage/add-cache-scores.migration';
import { CreateMetricsTables1795400000000 } from './storage/create-metrics-tables.migration';
import { EndpointTotalEntity } from './storage/endpoint-total.entity';
import { IntervalEntity } from './storage/interval.entity';
import { MinuteBucketEntity } from './storage/minute-bucket.entity';
import { ProcessedRequestEntity } from './storage/processed-request.entity';
import { MetricsSummaryService } from './summary/metrics-summary.service';
import { MetricsMessagesController } from './summary/metrics.messages.controller';
import { TotalsRepository } from './summary/totals.repository';
import { USAGE_CONCURRENCY, UsageProcessor } from './usage/usage.processor';
import { UsageRepository } from './usage/usage.repository';

export interface MetricsModuleOptions {
  /** The configuration, kept current by the launcher's `ConfigSync`. */
  readonly live: LiveConfig;
  /** The machine's Postgres in distributed mode, the embedded one (`startEmbeddedPostgres`) otherwise. */
  readonly databaseUrl: string;
  /** The process's queues: the service works the `usage` and `metrics` queues. */
  readonly jobs: JobQueues;
}

const ENTITIES = [ProcessedRequestEntity, MinuteBucketEntity, EndpointTotalEntity, IntervalEntity];

/**
 * The metrics service: aggregates every request's usage record (the `usage` queue) exactly once into
 * minute buckets and all-time totals, closes finished intervals into a history on a repeatable job,
 * and answers `metrics.v1.summary` with the seed gateway's `/metrics` JSON. It owns the `metrics_*`
 * tables on its own DataSource with its own migration history table.
 */
@Module({})
export class MetricsModule {
  static forRoot(options: MetricsModuleOptions): DynamicModule {
    return {
      module: MetricsModule,
      imports: [
        TypeOrmModule.forRoot({
          ...createTypeOrmOptions({
            url: options.databaseUrl,
            name: METRICS_DATA_SOURCE,
            entities: ENTITIES,
            migrations: [CreateMetricsTables1795400000000, AddCacheScores1795500000000],
            migrationsTableName: 'metrics_migrations',
            applicationName: 'aigw-metrics',
            // A connection per usage job running, plus one for the summary and one for the collect job.
            poolSize: USAGE_CONCURRENCY + 2,
          }),
          retryAttempts: 2,
          retryDelay: 1_000,
        }),
        TypeOrmModule.forFeature([EndpointTotalEntity], METRICS_DATA_SOURCE),
      ],
      controllers: [MetricsMessagesController],
      providers: [
        { provide: LiveConfig, useValue: options.live },
        { provide: JOB_QUEUES, useValue: options.jobs },
        { provide: CLOCK, useValue: SYSTEM_CLOCK },
        UsageRepository,
        IntervalsRepository,
        TotalsRepository,
        UsageProcessor,
        CollectProcessor,
        MetricsSummaryService,
      ],
    };
  }
}
