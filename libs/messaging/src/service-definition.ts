import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import type { BusServiceName } from '@aigw/contracts';
import type { Env, LiveConfig } from '@aigw/config';
import type { JobQueues } from '@aigw/jobs';
import type { BusTransport } from './bus-transport';

/** What differs between the two run modes, handed to every service at start. */
export interface ServiceRuntime {
  readonly mode: 'embedded' | 'distributed';
  /**
   * The configuration the service serves, kept at the admin's active revision by `ConfigSync`: read
   * `live.current` (or `live.config`) per operation, never keep the config object beyond one.
   */
  readonly live: LiveConfig;
  readonly transport: BusTransport;
  /** Base URL of the built-in mock provider, for endpoints with `provider: mock`. */
  readonly mockLlmUrl: string | null;
  /** Postgres URL (the embedded PGlite server in embedded mode). */
  readonly databaseUrl: string | null;
  /** Redis URL; null in embedded mode, where jobs run in process. */
  readonly redisUrl: string | null;
  /** Prefix of every Redis key this deployment writes (the bus namespace keeps deployments apart). */
  readonly redisPrefix: string;
  /** Durable work queues (BullMQ on Redis, or in memory), shared by the services of this process. */
  readonly jobs: JobQueues;
  /** Path of the configuration file `config` was loaded from (the admin service seeds its store from it). */
  readonly configFile?: string;
  /** The environment the launcher was started with, for a service's own env schema (parsed once). */
  readonly env?: Env;
}

/**
 * Each bus service app exports one of these from `<service>.definition.ts`: its main.ts starts it alone
 * over NATS, the embedded launcher starts all of them in one process. Same handlers, other transport.
 */
export interface ServiceDefinition {
  readonly service: BusServiceName;
  createModule(runtime: ServiceRuntime): DynamicModule;
  /** Whether the service follows the admin's configuration (`ConfigSync`); false for the admin itself. */
  readonly followsConfig?: boolean;
  /** Readiness beyond the bus connection (a hard dependency such as the service's database). */
  isReady?(app: INestApplicationContext): Promise<boolean>;
}
