import { BUS_SERVICES } from '@aigw/contracts';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase } from './machine-database';
import { NodeProcess, freePort, waitUntil } from './node-process';
import { appEntry, repoRoot } from './repo-paths';

export interface RunningDeployment {
  readonly mode: 'embedded' | 'distributed';
  /** e.g. http://127.0.0.1:PORT/v1 */
  readonly baseUrl: string;
  readonly origin: string;
  /** Every gateway's origin (distributed with several gateway replicas: each on a port of its own). */
  readonly gatewayOrigins: readonly string[];
  readonly processes: readonly NodeProcess[];
  /** Distributed with `healthPorts`: each bus service process's probe and `/metrics` origin, by process name. */
  readonly healthOrigins: Readonly<Record<string, string>>;
  /** Distributed: the Postgres database its services share (a fresh one unless `env.DATABASE_URL` named one). */
  readonly databaseUrl: string | null;
  /**
   * Stops one process (by name: `embedded`, `gateway-0`, `router-1`…) and starts it again with the
   * same environment (it re-reads its configuration file), resolving once `/health` answers again.
   */
  restart(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** Replaces the named process by a fresh one started the same way. */
async function restartProcess(
  processes: NodeProcess[],
  name: string,
  origin: string,
  timeoutMs: number,
): Promise<void> {
  const index = processes.findIndex((p) => p.name === name);
  const old = processes[index];
  if (old === undefined)
    throw new Error(`no process named ${name}: ${processes.map((p) => p.name).join(', ')}`);
  await old.stop();
  const fresh = old.again();
  processes[index] = fresh;
  await waitUntil(() => healthy(origin), timeoutMs, [fresh]);
}

export interface DeploymentOptions {
  configPath: string;
  env?: Record<string, string | undefined>;
  /** Distributed only: how many processes of each service (default 1). */
  replicas?: Partial<Record<(typeof BUS_SERVICES)[number] | 'gateway', number>>;
  mockLlmUrl?: string;
  startTimeoutMs?: number;
  /** Distributed only: give every bus service process a HEALTH_PORT of its own (probes, `/metrics`). */
  healthPorts?: boolean;
}

async function healthy(origin: string): Promise<boolean> {
  const res = await fetch(`${origin}/health`);
  return res.ok;
}

function baseEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  // ADMIN_PORT 0: the admin API on a free port, so deployments (and admin replicas) never collide.
  return { ...env, LOG_LEVEL: 'warn', LOG_FORMAT: 'json', ADMIN_PORT: '0', ...extra };
}

/** `npm start`'s process (dist/apps/embedded) on a free port with a throw-away data folder. */
export async function startEmbeddedDeployment(options: DeploymentOptions): Promise<RunningDeployment> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'aigw-embedded-'));
  const proc = new NodeProcess(
    'embedded',
    appEntry('embedded'),
    baseEnv({
      ...options.env,
      GATEWAY_CONFIG: options.configPath,
      GATEWAY_PORT: String(port),
      GATEWAY_DATA_DIR: dataDir,
    }),
    repoRoot(),
  );
  const origin = `http://127.0.0.1:${port}`;
  const processes = [proc];
  const stop = async () => {
    await processes[0]?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntil(() => healthy(origin), options.startTimeoutMs ?? 60_000, [proc]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    mode: 'embedded',
    baseUrl: `${origin}/v1`,
    origin,
    gatewayOrigins: [origin],
    processes,
    healthOrigins: {},
    databaseUrl: null,
    restart: (name) => restartProcess(processes, name, origin, options.startTimeoutMs ?? 60_000),
    stop,
  };
}

/**
 * The production shape on one machine: every service its own process over the real NATS (a fresh
 * subject namespace per deployment, so runs never cross), Redis of the machine, and a fresh database on
 * the machine's Postgres, dropped by `stop()` (so no spec sees another's rows) unless `env.DATABASE_URL`
 * names one (e.g. an embedded pgvector Postgres), which the caller owns.
 */
export async function startDistributedDeployment(options: DeploymentOptions): Promise<RunningDeployment> {
  const port = await freePort();
  const database = options.env?.['DATABASE_URL'] === undefined ? await freshDatabase('e2e') : null;
  const env = baseEnv({
    BUS_NAMESPACE: `t${randomUUID().slice(0, 8)}`,
    ...(database && { DATABASE_URL: database.url }),
    ...options.env,
    GATEWAY_CONFIG: options.configPath,
    GATEWAY_PORT: String(port),
    MOCK_LLM_URL: options.mockLlmUrl,
  });
  const processes: NodeProcess[] = [];
  const healthOrigins: Record<string, string> = {};
  const gatewayOrigins: string[] = [];
  for (const service of [...BUS_SERVICES, 'gateway'] as const) {
    const count = options.replicas?.[service] ?? 1;
    for (let i = 0; i < count; i++) {
      const name = `${service}-${i}`;
      let processEnv = env;
      if (service === 'gateway') {
        // The first gateway on the deployment's port, the others on ports of their own.
        const gatewayPort = i === 0 ? port : await freePort();
        gatewayOrigins.push(`http://127.0.0.1:${gatewayPort}`);
        processEnv = { ...env, GATEWAY_PORT: String(gatewayPort) };
      }
      if (options.healthPorts && service !== 'gateway') {
        const healthPort = await freePort();
        healthOrigins[name] = `http://127.0.0.1:${healthPort}`;
        processEnv = { ...env, HEALTH_PORT: String(healthPort), HEALTH_HOST: '127.0.0.1' };
      }
      processes.push(new NodeProcess(name, appEntry(service), processEnv, repoRoot()));
    }
  }
  const origin = `http://127.0.0.1:${port}`;
  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      await Promise.all(processes.map((p) => p.stop()));
      await database?.drop();
    })());
  try {
    for (const gateway of gatewayOrigins)
      await waitUntil(() => healthy(gateway), options.startTimeoutMs ?? 60_000, processes);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    mode: 'distributed',
    baseUrl: `${origin}/v1`,
    origin,
    gatewayOrigins,
    processes,
    healthOrigins,
    databaseUrl: env['DATABASE_URL'] ?? null,
    restart: (name) => restartProcess(processes, name, origin, options.startTimeoutMs ?? 60_000),
    stop,
  };
}
