import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { LiveConfig } from '@aigw/config';
import { BusClient } from '@aigw/messaging';
import { ApplicationDirectory } from './applications/application-directory';
import { ApiKeyAuthenticator } from './auth/api-key.authenticator';
import { DispatchCompletion } from './completions/dispatch-completion.usecase';
import { HealthController } from './health/health.controller';
import { MetricsController } from './metrics/metrics.controller';
import { ModelsController } from './models/models.controller';
import type { StatefulFeatures } from './completions/follow-ups.factory';
import { JOB_RECORDERS } from './health/health.controller';
import { PrometheusController } from './metrics/prometheus.controller';
import type { UsageRecorder } from './usage/usage-recorder';

@Module({})
export class GatewayModule {
  static forRoot(
    live: LiveConfig,
    bus: BusClient,
    usage: UsageRecorder,
    stateful: StatefulFeatures,
    metricsOnApiPort = true,
  ): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [
        ModelsController,
        HealthController,
        MetricsController,
        ...(metricsOnApiPort ? [PrometheusController] : []),
      ],
      providers: [
        { provide: BusClient, useValue: bus },
        { provide: LiveConfig, useValue: live },
        { provide: ApiKeyAuthenticator, useValue: new ApiKeyAuthenticator(live) },
        { provide: ApplicationDirectory, useValue: new ApplicationDirectory(live) },
        { provide: JOB_RECORDERS, useValue: stateful.recorders },
        {
          provide: DispatchCompletion,
          useFactory: (auth: ApiKeyAuthenticator, directory: ApplicationDirectory) =>
            new DispatchCompletion(live, auth, directory, bus, usage, stateful.followUps, stateful.cache),
          inject: [ApiKeyAuthenticator, ApplicationDirectory],
        },
      ],
    };
  }
}
