import { sha256Hex } from '@aigw/config';
import type { MockLlm } from '@aigw/mock-llm';
import { startMockLlm } from '@aigw/mock-llm';
import type { NodeProcess, RunningDeployment } from '@aigw/testing';
import { startDistributedDeployment } from '@aigw/testing';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

const KEY = 'sk-e2e-router-replicas-key-4444444';
const ROUTERS = 3;
/** The probe lease's renewal period and life (apps/router/src/health: renewed every 1 s, lives 3 renewals). */
const LEASE_RENEW_MS = 1_000;
const LEASE_TTL_MS = 3 * LEASE_RENEW_MS;

function writeConfig(mockUrl: string): string {
  const yaml = `
auth:
  required: true
  keys: [{ id: e2e, sha256: ${sha256Hex(KEY)} }]
applications:
  - id: probed
    type: chat
    endpoints:
      - id: probed
        provider: openai-compatible
        url: '${mockUrl}/e/probed/v1'
        allowPrivateNetwork: true
        checks: { active: { path: /models, healthy: { interval: 0.1 }, unhealthy: { interval: 0.1 } } }
`;
  const path = join(mkdtempSync(join(tmpdir(), 'aigw-e2e-replicas-')), 'gateway.yaml');
  writeFileSync(path, yaml);
  return path;
}

async function poll<T>(check: () => Promise<T | null>, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The active health checks across router processes (distributed: NATS, Redis): one replica probes, the
 * holder of the Redis lease, and another takes over when it dies.
 */
describe(`active health checks with ${ROUTERS} router processes`, () => {
  let mock: MockLlm;
  let gateway: RunningDeployment;
  let redis: Redis;
  const namespace = `t${randomUUID().slice(0, 8)}`;
  const leaseKey = `aigw.${namespace}:routing:health-prober`;

  beforeAll(async () => {
    mock = await startMockLlm({ port: 0 });
    gateway = await startDistributedDeployment({
      configPath: writeConfig(mock.url),
      mockLlmUrl: mock.url,
      replicas: { router: ROUTERS },
      healthPorts: true,
      env: { BUS_NAMESPACE: namespace },
    });
    redis = new Redis('redis://127.0.0.1:6379');
  }, 90_000);
  afterAll(async () => {
    await gateway?.stop();
    await mock?.close();
    await redis?.del(leaseKey);
    redis?.disconnect();
  });

  const routers = () => gateway.processes.filter((p) => p.name.startsWith('router-'));
  /** The probes each router process counted (its own /metrics, on its HEALTH_PORT). */
  const probesBy = async (router: NodeProcess): Promise<number> => {
    const text = await (await fetch(`${gateway.healthOrigins[router.name]}/metrics`)).text();
    return [...text.matchAll(/^aigw_health_checks_total\{[^}]*endpoint="probed"[^}]*\} (\d+)$/gm)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
  };
  const counts = async (among: readonly NodeProcess[]) =>
    Object.fromEntries(await Promise.all(among.map(async (r) => [r.name, await probesBy(r)] as const)));
  /** The router process whose pid the lease names (`<host>/<pid>/<random>`), or null when none holds it. */
  const leaseHolder = async (): Promise<NodeProcess | null> => {
    const holder = await redis.get(leaseKey);
    const pid = holder === null ? NaN : Number(holder.split('/')[1]);
    return routers().find((r) => r.pid === pid) ?? null;
  };
  const probeRequests = () =>
    mock.control.requests('probed').filter((r) => r.method === 'GET' && r.path === '/e/probed/v1/models')
      .length;

  it('only the holder of the Redis lease probes; another replica takes over within the lease when it is killed', async () => {
    const leader = await poll(leaseHolder, 'a router holding the probe lease', 10_000);
    await poll(async () => (probeRequests() >= 10 ? true : null), 'ten probes', 10_000);
    const before = await counts(routers());
    // Only the lease holder counted probes: the others sent none.
    expect(Object.entries(before).filter(([, n]) => n > 0)).toEqual([[leader.name, before[leader.name]]]);
    expect(probeRequests()).toBeGreaterThanOrEqual(before[leader.name]);

    // The leader dies without releasing the lease: it lapses, and one of the others takes it.
    const leftMs = await redis.pttl(leaseKey);
    expect(leftMs).toBeGreaterThan(0);
    expect(leftMs).toBeLessThanOrEqual(LEASE_TTL_MS);
    const killedAt = performance.now();
    await leader.kill();
    const successor = await poll(
      async () => {
        const holder = await leaseHolder();
        return holder !== null && holder !== leader ? holder : null;
      },
      'another router taking the lease over',
      // The lease's life left, one renewal period, and room for a busy machine.
      leftMs + LEASE_RENEW_MS + 3_000,
    );
    const tookMs = performance.now() - killedAt;
    process.stdout.write(`probe lease taken over ${tookMs.toFixed(0)} ms after its holder was killed\n`);

    const survivors = routers().filter((r) => r !== leader);
    // The successor may have probed already: count from here, on both sides. One probe may be in
    // flight across the two readings (seen by the mock before, counted by the router after), so the
    // successor counts one more than the mock must see.
    const probesAtTakeover = probeRequests();
    const successorAtTakeover = await probesBy(successor);
    await poll(
      async () => ((await probesBy(successor)) >= successorAtTakeover + 6 ? true : null),
      'the successor probing',
      10_000,
    );
    const after = await counts(survivors);
    expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([[successor.name, after[successor.name]]]);
    expect(probeRequests()).toBeGreaterThanOrEqual(probesAtTakeover + 5);
  }, 60_000);

  it('gives the deployment a fresh database of its own, dropped when it stops', async () => {
    const url = new URL(gateway.databaseUrl!);
    const name = url.pathname.slice(1);
    expect(name).toMatch(/^aigw_e2e_[0-9a-f]{32}$/);
    const server = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await server.connect();
    try {
      const exists = async () =>
        (await server.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
      expect(await exists()).toBe(true);
      // The admin service migrated its tables there, not in the machine's `postgres` database.
      const db = new Client({ connectionString: gateway.databaseUrl! });
      await db.connect();
      try {
        await db.query('SELECT 1 FROM admin_migrations');
      } finally {
        await db.end();
      }
      await gateway.stop();
      expect(await exists()).toBe(false);
    } finally {
      await server.end();
    }
  }, 30_000);
});
