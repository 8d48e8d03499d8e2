import { resolveConfig, sha256Hex } from '@aigw/config';
import type { MockLlm } from '@aigw/mock-llm';
import { startMockLlm } from '@aigw/mock-llm';
import type { RunningDeployment } from '@aigw/testing';
import { freePort, startDistributedDeployment, startEmbeddedDeployment } from '@aigw/testing';
import { randomBytes } from 'node:crypto';
import { AZURE_UPSTREAM_KEY, writeE2eConfig } from './e2e-config';

const ADMIN_KEY = `sk-admin-${randomBytes(16).toString('hex')}`;

const modes = [
  ['embedded', startEmbeddedDeployment],
  ['distributed', startDistributedDeployment],
] as const;

// Distributed: the harness gives the deployment a fresh database, so its configuration store is this spec's alone.
describe.each(modes)('the admin API, %s mode', (_mode, start) => {
  let mock: MockLlm;
  let deployment: RunningDeployment;
  let admin: string;

  beforeAll(async () => {
    mock = await startMockLlm({ port: 0 });
    const port = await freePort();
    admin = `http://127.0.0.1:${port}`;
    deployment = await start({
      configPath: writeE2eConfig(mock.url),
      env: {
        E2E_AZURE_KEY: AZURE_UPSTREAM_KEY,
        ADMIN_PORT: String(port),
        ADMIN_API_KEY: ADMIN_KEY,
      },
      mockLlmUrl: mock.url,
    });
  }, 90_000);

  afterAll(async () => {
    await deployment?.stop();
    await mock?.close();
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${admin}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_KEY}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: res.status,
      etag: res.headers.get('etag'),
      body: (await res.json()) as Record<string, unknown>,
    };
  };

  it('serves the seeded configuration, ready on its database', async () => {
    expect((await fetch(`${admin}/readyz`)).status).toBe(200);
    const apps = await call('GET', '/admin/v1/applications');
    expect(apps.status).toBe(200);
    expect((apps.body.data as Array<{ id: string }>).map((a) => a.id)).toContain('gpt-4o-mini');
    expect((await fetch(`${admin}/admin/v1/applications`)).status).toBe(401);
  });

  it('creates a consumer whose key the exported document holds as its SHA-256', async () => {
    const created = await call('POST', '/admin/v1/consumers', {
      id: 'e2e-team',
      applications: ['gpt-4o-mini'],
    });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    const res = await fetch(`${admin}/admin/v1/config`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}`, accept: 'application/json' },
    });
    const document = await res.json();
    expect(res.status).toBe(200);
    const config = resolveConfig(document, { E2E_AZURE_KEY: AZURE_UPSTREAM_KEY }, 'export', { keys: false });
    expect(config.auth.keys.find((k) => k.id === 'e2e-team')?.sha256).toBe(sha256Hex(key));
    const versions = await call('GET', '/admin/v1/versions');
    expect((versions.body.data as unknown[]).length).toBe(2);
  });
});
