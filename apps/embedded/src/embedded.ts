import type { INestMicroservice, LoggerService } from '@nestjs/common';
import type { Env, GatewayConfig } from '@aigw/config';
import { LiveConfig, loadConfigFile, parseEnv } from '@aigw/config';
import { BUS_SERVICES } from '@aigw/contracts';
import type { BusServiceName } from '@aigw/contracts';
import type { ServiceDefinition, ServiceRuntime } from '@aigw/messaging';
import { ConfigSync, inProcessTransport, startBusService } from '@aigw/messaging';
import { startMockLlm } from '@aigw/mock-llm';
import { JobQueues } from '@aigw/jobs';
import { createLogger } from '@aigw/observability';
import { startEmbeddedPostgres } from '@aigw/persistence';
import { join, resolve } from 'node:path';
import { ensureDevKey } from './dev-key';
import { EmbeddedEnvSchema } from './env.schema';

interface GatewayEntry {
  startGateway(
    runtime: ServiceRuntime,
    listen: { host: string; port: number },
    logger: LoggerService | false,
  ): Promise<{ baseUrl: string; close(): Promise<void> }>;
}

/**
 * The embedded host composes the services by name at run time: each app stays an app (apps never
 * import apps) and exports its `<service>.definition`, the same one its own main.ts runs over NATS.
 */
async function loadDefinition(service: BusServiceName): Promise<ServiceDefinition> {
  const entry = (await import(join(__dirname, '..', '..', service, 'src', `${service}.definition`))) as {
    definition: ServiceDefinition;
  };
  return entry.definition;
}

async function loadGateway(): Promise<GatewayEntry> {
  return (await import(join(__dirname, '..', '..', 'gateway', 'src', 'gateway.definition'))) as GatewayEntry;
}

export interface EmbeddedGateway {
  readonly baseUrl: string;
  readonly config: GatewayConfig;
  readonly keyPath: string | null;
  /** Where the generated admin API key is (null when ADMIN_API_KEY or ADMIN_JWT_SECRET is set). */
  readonly adminKeyPath: string | null;
  readonly mockLlmUrl: string | null;
  close(): Promise<void>;
}

/** Everything in one process: in-process bus, embedded Postgres (PGlite + pgvector), the mock provider. */
export async function startEmbedded(processEnv: Env, logger?: LoggerService): Promise<EmbeddedGateway> {
  const env = parseEnv(EmbeddedEnvSchema, processEnv);
  const log =
    logger ?? createLogger('embedded', { level: env.LOG_LEVEL, format: env.LOG_FORMAT ?? 'pretty' });
  const dataDir = resolve(env.GATEWAY_DATA_DIR);

  let keyPath: string | null = null;
  let configEnv: Env = processEnv;
  if (!env.GATEWAY_API_KEY) {
    const devKey = ensureDevKey(dataDir);
    keyPath = devKey.path;
    configEnv = { ...processEnv, GATEWAY_API_KEY: devKey.key };
  }
  let adminKeyPath: string | null = null;
  if (!env.ADMIN_API_KEY && !env.ADMIN_JWT_SECRET) {
    const adminKey = ensureDevKey(dataDir, 'admin-key');
    adminKeyPath = adminKey.path;
    configEnv = { ...configEnv, ADMIN_API_KEY: adminKey.key };
  }
  const config = loadConfigFile(env.GATEWAY_CONFIG, configEnv);

  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    const needsMock = config.applications.some((a) =>
      a.endpoints.some((e) => e.provider === 'mock' && !e.url),
    );
    const mock = needsMock ? await startMockLlm({ host: '127.0.0.1', port: 0 }) : null;
    if (mock) closers.push(() => mock.close());

    const postgres = await startEmbeddedPostgres({
      dataDir: join(dataDir, 'pg'),
      host: '127.0.0.1',
      port: 0,
    });
    closers.push(() => postgres.close());

    const jobs = new JobQueues({ mode: 'embedded', redisUrl: null, prefix: 'aigw' });
    closers.push(() => jobs.close());
    // One live configuration for the whole process: the services share it, as they share the bus.
    const live = LiveConfig.fromFile(config);
    const transport = inProcessTransport();
    const sync = await ConfigSync.start({
      service: 'embedded',
      transport,
      live,
      env: configEnv,
      keys: true,
      checkIntervalMs: env.CONFIG_CHECK_INTERVAL_MS,
      logger: log,
    });
    closers.push(() => sync.close());
    const runtime: ServiceRuntime = {
      mode: 'embedded',
      live,
      transport,
      mockLlmUrl: mock?.url ?? null,
      databaseUrl: postgres.url,
      redisUrl: null,
      redisPrefix: 'aigw',
      jobs,
      configFile: env.GATEWAY_CONFIG,
      env: configEnv,
    };
    const services: INestMicroservice[] = [];
    for (const service of BUS_SERVICES) {
      const definition = await loadDefinition(service);
      services.push(
        await startBusService({
          service,
          module: definition.createModule(runtime),
          transport: runtime.transport,
          configVersion: () => live.config.version,
          logger: log,
        }),
      );
    }
    closers.push(async () => {
      for (const s of services.reverse()) await s.close();
    });
    // The admin is up now: serve its active revision from the first request.
    await sync.refresh();

    const gatewayEntry = await loadGateway();
    const gateway = await gatewayEntry.startGateway(
      runtime,
      { host: env.GATEWAY_HOST ?? config.server.host, port: env.GATEWAY_PORT ?? config.server.port },
      log,
    );
    closers.push(() => gateway.close());
    return { baseUrl: gateway.baseUrl, config, keyPath, adminKeyPath, mockLlmUrl: mock?.url ?? null, close };
  } catch (error) {
    await close();
    throw error;
  }
}
