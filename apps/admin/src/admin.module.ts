import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { GatewayConfig } from '@aigw/config';
import { GATEWAY_CONFIG } from '@aigw/config';
import { createTypeOrmOptions } from '@aigw/persistence';
import { ADMIN_DATA_SOURCE } from './admin-data-source';
import { ConfigVersionEntity } from './config-versions/config-version.entity';
import { ConfigVersionsMessagesController } from './config-versions/config-versions.messages.controller';
import { ConfigVersionsRepository } from './config-versions/config-versions.repository';
import { ConfigVersionsService } from './config-versions/config-versions.service';
import { CreateConfigVersions1795300000000 } from './config-versions/create-config-versions.migration';

export interface AdminModuleOptions {
  readonly config: GatewayConfig;
  /** The machine's Postgres in distributed mode, the embedded one (`startEmbeddedPostgres`) otherwise. */
  readonly databaseUrl: string;
}

/**
 * The admin service: owns the `config_versions` table (its entity, migration and repository live
 * here) on its own named DataSource, with its own migration history table, so it shares a database
 * with the other services without sharing their tables.
 */
@Module({})
export class AdminModule {
  static forRoot(options: AdminModuleOptions): DynamicModule {
    return {
      module: AdminModule,
      imports: [
        TypeOrmModule.forRoot({
          ...createTypeOrmOptions({
            url: options.databaseUrl,
            name: ADMIN_DATA_SOURCE,
            entities: [ConfigVersionEntity],
            migrations: [CreateConfigVersions1795300000000],
            migrationsTableName: 'admin_migrations',
            applicationName: 'aigw-admin',
            poolSize: 2,
          }),
          // Fail a start within seconds when the database is missing, rather than after Nest's 9 tries.
          retryAttempts: 2,
          retryDelay: 1_000,
        }),
        TypeOrmModule.forFeature([ConfigVersionEntity], ADMIN_DATA_SOURCE),
      ],
      controllers: [ConfigVersionsMessagesController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: options.config },
        ConfigVersionsRepository,
        ConfigVersionsService,
      ],
    };
  }
}
