import type { DynamicModule, INestMicroservice, LoggerService } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import type { BusServiceName } from '@aigw/contracts';
import type { BusTransport } from './bus-transport';
import { createServerStrategy } from './bus-transport';
import { DirectHandlerScanner, DirectHandlers } from './direct-handlers';
import { healthControllerFor } from './health.controller';
import { RpcErrorFilter } from './rpc-error.filter';

export interface BusServiceOptions {
  service: BusServiceName;
  module: DynamicModule;
  transport: BusTransport;
  /** The version of the configuration the service serves now (its health reply names it). */
  configVersion: () => string;
  logger: LoggerService | false;
}

/**
 * Boots one bus service: its module, the shared health handler and the RPC error filter, on a transport
 * that calls the handlers Nest's RPC pipeline adds nothing to directly (`DirectHandlers`).
 */
export async function startBusService(options: BusServiceOptions): Promise<INestMicroservice> {
  const direct = new DirectHandlers();
  @Module({
    imports: [options.module, DiscoveryModule],
    controllers: [healthControllerFor(options.service, options.configVersion)],
    providers: [{ provide: DirectHandlers, useValue: direct }, DirectHandlerScanner],
  })
  class ServiceRootModule {}

  const app = await NestFactory.createMicroservice(ServiceRootModule, {
    strategy: createServerStrategy(options.service, options.transport, direct),
    logger: options.logger,
  });
  app.useGlobalFilters(new RpcErrorFilter());
  await app.listen();
  return app;
}
