import { startTelemetry } from '@aigw/observability';
// First: the Redis instrumentation patches ioredis as it is required.
startTelemetry('gateway', process.env);

import { LiveConfig, loadConfigFile, parseEnv } from '@aigw/config';
import { JobQueues } from '@aigw/jobs';
import {
  ConfigSync,
  closeOnSignals,
  exitOnStartupError,
  queuePrefix,
  startHealthServer,
} from '@aigw/messaging';
import { createLogger } from '@aigw/observability';
import { GatewayEnvSchema } from './env.schema';
import { startGateway } from './gateway.definition';

async function main(): Promise<void> {
  const env = parseEnv(GatewayEnvSchema, process.env);
  const logger = createLogger('gateway', { level: env.LOG_LEVEL, format: env.LOG_FORMAT ?? 'json' });
  const config = loadConfigFile(env.GATEWAY_CONFIG, process.env);
  const live = LiveConfig.fromFile(config);
  const transport = { kind: 'nats', url: env.NATS_URL, namespace: env.BUS_NAMESPACE } as const;
  // Keys and applications from the admin's active revision when it answers, the file otherwise; then
  // kept current by `config.changed` (every replica hears it) and a periodic check.
  const sync = await ConfigSync.start({
    service: 'gateway',
    transport,
    live,
    env: process.env,
    keys: true,
    checkIntervalMs: env.CONFIG_CHECK_INTERVAL_MS,
    logger,
  });
  const redisPrefix = queuePrefix(env.BUS_NAMESPACE);
  const jobs = new JobQueues({ mode: 'distributed', redisUrl: env.REDIS_URL, prefix: redisPrefix });
  const gateway = await startGateway(
    {
      mode: 'distributed',
      live,
      transport,
      mockLlmUrl: null,
      databaseUrl: null,
      redisUrl: env.REDIS_URL,
      redisPrefix,
      jobs,
    },
    { host: env.GATEWAY_HOST ?? config.server.host, port: env.GATEWAY_PORT ?? config.server.port },
    logger,
    { metricsOnApiPort: env.METRICS_PORT === undefined },
  );
  // `/metrics` (and the probes) on a port of its own, off the API an ingress publishes.
  const metrics =
    env.METRICS_PORT === undefined
      ? null
      : await startHealthServer(env.METRICS_PORT, env.METRICS_HOST, () => true);
  logger.log(
    `gateway listening on ${gateway.baseUrl} (config ${live.config.version}, revision ${live.current.revision})`,
  );
  closeOnSignals(async () => {
    await sync.close();
    metrics?.close();
    await gateway.close();
    await jobs.close();
  });
}

main().catch(exitOnStartupError);
