import { startTelemetry } from '@aigw/observability';
// First: the Redis instrumentation patches ioredis as it is required.
startTelemetry('gateway', process.env);

import { loadConfigFile, parseEnv } from '@aigw/config';
import { JobQueues } from '@aigw/jobs';
import { closeOnSignals, exitOnStartupError, queuePrefix, startHealthServer } from '@aigw/messaging';
import { createLogger } from '@aigw/observability';
import { GatewayEnvSchema } from './env.schema';
import { startGateway } from './gateway.definition';

async function main(): Promise<void> {
  const env = parseEnv(GatewayEnvSchema, process.env);
  const logger = createLogger('gateway', { level: env.LOG_LEVEL, format: env.LOG_FORMAT ?? 'json' });
  const config = loadConfigFile(env.GATEWAY_CONFIG, process.env);
  const redisPrefix = queuePrefix(env.BUS_NAMESPACE);
  const jobs = new JobQueues({ mode: 'distributed', redisUrl: env.REDIS_URL, prefix: redisPrefix });
  const gateway = await startGateway(
    {
      mode: 'distributed',
      config,
      transport: { kind: 'nats', url: env.NATS_URL, namespace: env.BUS_NAMESPACE },
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
  logger.log(`gateway listening on ${gateway.baseUrl} (config ${config.version})`);
  closeOnSignals(async () => {
    metrics?.close();
    await gateway.close();
    await jobs.close();
  });
}

main().catch(exitOnStartupError);
