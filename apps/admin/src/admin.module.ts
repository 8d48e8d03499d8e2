import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Env } from '@aigw/config';
import type { BusTransport } from '@aigw/messaging';
import { BusClient, createClientProxy } from '@aigw/messaging';
import { createTypeOrmOptions } from '@aigw/persistence';
import { ADMIN_DATA_SOURCE } from './admin-data-source';
import { ADMIN_MIGRATIONS } from './admin-migrations';
import type { AdminHttpListen } from './admin-startup';
import { ADMIN_HTTP_LISTEN, AdminStartup } from './admin-startup';
import { ConfigFileSource, DOCUMENT_ENV } from './admin.tokens';
import type { AdminAuthOptions } from './auth/admin.authenticator';
import { AdminAuthenticator } from './auth/admin.authenticator';
import { ConfigEventsPublisher } from './config-store/config-events.publisher';
import { ConfigMessagesController } from './config-store/config.messages.controller';
import { ConfigStoreRepository } from './config-store/config-store.repository';
import { ConfigStoreService } from './config-store/config-store.service';

export interface AdminModuleOptions {
  /** The machine's Postgres in distributed mode, the embedded one (`startEmbeddedPostgres`) otherwise. */
  readonly databaseUrl: string;
  /** The bus `config.changed` is published on. */
  readonly transport: BusTransport;
  /** The configuration file the store is seeded from (`GATEWAY_CONFIG`). */
  readonly configFile: string;
  /** The environment documents are validated in (`apiKeyEnv` variables must be set in it). */
  readonly env: Env;
  /** Where the REST API listens; null: no HTTP listener (the bus side only). */
  readonly http: AdminHttpListen;
  readonly auth: AdminAuthOptions;
}

/**
 * The admin service: owns the configuration store (`config_revisions`, `config_state`: entities-free
 * SQL in its repository, migrations here) on its own named DataSource with its own migration history
 * table, so it shares a database with the other services without sharing their tables. Serves the
 * store on the bus and, on its own HTTP listener, as the admin REST API.
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
            entities: [],
            migrations: ADMIN_MIGRATIONS,
            migrationsTableName: 'admin_migrations',
            applicationName: 'aigw-admin',
            poolSize: 2,
          }),
          // Fail a start within seconds when the database is missing, rather than after Nest's 9 tries.
          retryAttempts: 2,
          retryDelay: 1_000,
        }),
      ],
      controllers: [ConfigMessagesController],
      providers: [
        { provide: DOCUMENT_ENV, useValue: options.env },
        { provide: ConfigFileSource, useValue: new ConfigFileSource(options.configFile) },
        { provide: ADMIN_HTTP_LISTEN, useValue: options.http },
        { provide: AdminAuthenticator, useValue: new AdminAuthenticator(options.auth) },
        {
          provide: BusClient,
          useFactory: async () => {
            const bus = new BusClient(createClientProxy('admin', options.transport));
            await bus.connect();
            return bus;
          },
        },
        ConfigEventsPublisher,
        ConfigStoreRepository,
        ConfigStoreService,
        AdminStartup,
      ],
    };
  }
}
