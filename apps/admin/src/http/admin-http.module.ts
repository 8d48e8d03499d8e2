import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { BusClient } from '@aigw/messaging';
import { ConfigFileSource } from '../admin.tokens';
import { ApplicationsController } from '../applications/applications.controller';
import { EndpointsController } from '../applications/endpoints.controller';
import { AdminAuthenticator } from '../auth/admin.authenticator';
import { GanradController } from '../compat/ganrad.controller';
import { ConfigController } from '../config-io/config.controller';
import { ConfigStoreService } from '../config-store/config-store.service';
import { ConsolePageController } from '../console/console-page.controller';
import { LiveStateController } from '../console/live-state.controller';
import { ConsumersController } from '../consumers/consumers.controller';
import { AdminHealthController } from '../health/admin-health.controller';
import { OpenApiController } from '../openapi/openapi.controller';
import { VersionsController } from '../versions/versions.controller';
import { AdminRequests } from './admin-requests';
import { AdminServerInfo } from './admin-server-info';
import { EntryResource } from './entry-resource';

export interface AdminHttpDependencies {
  readonly store: ConfigStoreService;
  readonly auth: AdminAuthenticator;
  readonly file: ConfigFileSource;
  readonly info: AdminServerInfo;
  /** For the live state the console shows (the router's, the metrics service's). */
  readonly bus: BusClient;
}

/** The admin REST API's own Nest application, over the admin bus service's store. */
@Module({})
export class AdminHttpModule {
  static forRoot(deps: AdminHttpDependencies): DynamicModule {
    return {
      module: AdminHttpModule,
      controllers: [
        ApplicationsController,
        EndpointsController,
        ConsumersController,
        ConfigController,
        VersionsController,
        OpenApiController,
        GanradController,
        AdminHealthController,
        LiveStateController,
        ConsolePageController,
      ],
      providers: [
        { provide: ConfigStoreService, useValue: deps.store },
        { provide: AdminAuthenticator, useValue: deps.auth },
        { provide: AdminRequests, useValue: new AdminRequests(deps.auth) },
        EntryResource,
        { provide: ConfigFileSource, useValue: deps.file },
        { provide: AdminServerInfo, useValue: deps.info },
        { provide: BusClient, useValue: deps.bus },
      ],
    };
  }
}
