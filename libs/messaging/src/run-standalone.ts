import type { Env } from '@aigw/config';
import {
  BusEnv,
  ConfigFileEnv,
  LiveConfig,
  LogEnv,
  MockEnv,
  StoreEnv,
  loadConfigFile,
  parseEnv,
} from '@aigw/config';
import { JobQueues } from '@aigw/jobs';
import { createLogger, shutdownTelemetry } from '@aigw/observability';
import { z } from 'zod';
import { ConfigSync } from './config-sync';
import { startHealthServer } from './health-server';
import type { ServiceDefinition } from './service-definition';
import { startBusService } from './start-bus-service';

/** The env of a bus service running as its own process (distributed mode). */
export const StandaloneEnvSchema = z.object({
  ...ConfigFileEnv,
  ...BusEnv,
  ...LogEnv,
  ...StoreEnv,
  ...MockEnv,
  /** Port of the /healthz and /readyz probes; unset = no probe server (several processes on one host). */
  HEALTH_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  HEALTH_HOST: z.string().min(1).default('0.0.0.0'),
});

/**
 * Distributed mode: one service per process over NATS, in the queue group named after it, with
 * graceful shutdown on SIGTERM/SIGINT (in-flight messages finish; Kubernetes sends SIGTERM).
 */
export async function runStandalone(definition: ServiceDefinition, processEnv: Env): Promise<void> {
  const env = parseEnv(StandaloneEnvSchema, processEnv);
  const logger = createLogger(definition.service, { level: env.LOG_LEVEL, format: env.LOG_FORMAT ?? 'json' });
  const live = LiveConfig.fromFile(loadConfigFile(env.GATEWAY_CONFIG, processEnv, { keys: false }));
  const transport = { kind: 'nats', url: env.NATS_URL, namespace: env.BUS_NAMESPACE } as const;
  const redisPrefix = queuePrefix(env.BUS_NAMESPACE);
  // Before the module starts: it begins with the admin's active revision when the admin answers.
  const sync =
    definition.followsConfig === false
      ? null
      : await ConfigSync.start({
          service: definition.service,
          transport,
          live,
          env: processEnv,
          keys: false,
          checkIntervalMs: env.CONFIG_CHECK_INTERVAL_MS,
          logger,
        });
  const runtime = {
    mode: 'distributed',
    live,
    transport,
    mockLlmUrl: env.MOCK_LLM_URL ?? null,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    redisPrefix,
    jobs: new JobQueues({ mode: 'distributed', redisUrl: env.REDIS_URL, prefix: redisPrefix }),
    configFile: env.GATEWAY_CONFIG,
    env: processEnv,
  } as const;
  const app = await startBusService({
    service: definition.service,
    module: definition.createModule(runtime),
    transport,
    configVersion: () => live.config.version,
    logger,
  });
  if (env.HEALTH_PORT !== undefined) {
    let connected = true;
    app.status.subscribe((status) => (connected = status === 'connected'));
    const probes = await startHealthServer(
      env.HEALTH_PORT,
      env.HEALTH_HOST,
      async () => connected && ((await definition.isReady?.(app)) ?? true),
    );
    process.once('exit', () => probes.close());
  }
  logger.log(
    `${definition.service} listening on ${env.NATS_URL} (queue group "${definition.service}", config ${live.config.version}, revision ${live.current.revision})`,
  );
  closeOnSignals(async () => {
    await sync?.close();
    await app.close();
    await runtime.jobs.close();
  });
}

/** Redis key prefix of the job queues: the bus namespace keeps deployments sharing one Redis apart. */
export function queuePrefix(namespace: string): string {
  return namespace ? `aigw.${namespace}` : 'aigw';
}

/**
 * Graceful stop on SIGTERM (what Kubernetes sends) or SIGINT: `close` lets in-flight work finish,
 * then the process exits 0 (1 if closing failed).
 */
export function closeOnSignals(close: () => Promise<void>): void {
  const stop = () => {
    // Spans still buffered are flushed once the work they describe has finished.
    const closeAll = () => close().finally(() => shutdownTelemetry());
    closeAll().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** Prints a start-up failure (a ConfigError lists every problem) and exits non-zero. */
export function exitOnStartupError(error: unknown): never {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
