import type { MetricsReport } from '@aigw/contracts';
import { MetricsReportSchema } from '@aigw/contracts';
import type { MockLlm } from '@aigw/mock-llm';
import { startMockLlm } from '@aigw/mock-llm';
import type { RunningDeployment } from '@aigw/testing';
import { freePort, startDistributedDeployment, startEmbeddedDeployment } from '@aigw/testing';
import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import { AZURE_UPSTREAM_KEY, FULL_KEY, writeE2eConfig } from './e2e-config';

const ADMIN_KEY = `sk-admin-${randomBytes(16).toString('hex')}`;
const VERSION_HEADER = 'x-aigw-config-version';

interface Change {
  readonly version: string;
  readonly revision: number;
  readonly key?: string;
}

async function poll<T>(what: string, read: () => Promise<T | null>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The revision a process serves, from its Prometheus exposition (`aigw_config_revision`). */
async function servedRevision(origin: string): Promise<{ revision: number; version: string } | null> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const match = /^aigw_config_revision\{version="([^"]+)"\} (\d+)$/m.exec(text);
  return match ? { version: match[1] ?? '', revision: Number(match[2]) } : null;
}

function adminClient(origin: string) {
  return async <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${origin}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
}

const sdk = (origin: string, apiKey: string) =>
  new OpenAI({ baseURL: `${origin}/v1`, apiKey, maxRetries: 0 });

const endpoint = (mockUrl: string, id: string, instance = id) => ({
  id,
  provider: 'openai-compatible',
  url: `${mockUrl}/e/${instance}/v1`,
  timeoutMs: 3000,
  allowPrivateNetwork: true,
});

describe('live configuration, distributed mode: two gateways, two routers', () => {
  let mock: MockLlm;
  let deployment: RunningDeployment;
  let admin: ReturnType<typeof adminClient>;
  /** Every process that follows the configuration: the gateways and the bus services but the admin. */
  let followers: string[];
  let gateways: readonly string[];
  let key: string;
  let created: Change;

  beforeAll(async () => {
    mock = await startMockLlm({ port: 0 });
    const adminPort = await freePort();
    admin = adminClient(`http://127.0.0.1:${adminPort}`);
    deployment = await startDistributedDeployment({
      configPath: writeE2eConfig(mock.url),
      env: {
        E2E_AZURE_KEY: AZURE_UPSTREAM_KEY,
        ADMIN_PORT: String(adminPort),
        ADMIN_API_KEY: ADMIN_KEY,
      },
      mockLlmUrl: mock.url,
      replicas: { gateway: 2, router: 2 },
      healthPorts: true,
    });
    gateways = deployment.gatewayOrigins;
    followers = [
      ...gateways,
      ...Object.entries(deployment.healthOrigins)
        .filter(([name]) => !name.startsWith('admin'))
        .map(([, origin]) => origin),
    ];
  }, 120_000);

  afterAll(async () => {
    await deployment?.stop(); // drops the deployment's database too
    await mock?.close();
  });

  /** Until every gateway and service serves `change` (no request is sent, so no failed auth is counted). */
  const applied = (change: Change) =>
    Promise.all(
      followers.map((origin) =>
        poll(`${origin} at revision ${change.revision}`, async () => {
          const served = await servedRevision(origin);
          return served !== null && served.revision >= change.revision ? served : null;
        }),
      ),
    );

  const chat = (origin: string, content: string) =>
    sdk(origin, key)
      .chat.completions.create({ model: 'live-app', messages: [{ role: 'user', content }] })
      .withResponse();

  const report = async (): Promise<MetricsReport> => {
    const res = await fetch(`${gateways[0]}/api/v1/dev/apirouter/metrics`, {
      headers: { authorization: `Bearer ${FULL_KEY}` },
    });
    return MetricsReportSchema.parse(await res.json());
  };
  const callsOf = (r: MetricsReport, endpointId: string) =>
    r.applicationMetrics
      .find((a) => a.applicationId === 'live-app')
      ?.endpointMetrics.find((e) => e.endpoint === endpointId)?.metrics.apiCalls ?? 0;

  it('brings every replica to the admin revision, whether it started before the admin or after', async () => {
    expect(gateways).toHaveLength(2);
    expect(followers).toHaveLength(7); // 2 gateways, 2 routers, cache, memory, metrics
    const served = await applied({ version: '', revision: 1 });
    expect(new Set(served.map((s) => s.version)).size).toBe(1);
    expect(new Set(served.map((s) => s.revision)).size).toBe(1);
  });

  it('serves an application and a consumer key created through the admin API on both gateways', async () => {
    const app = await admin<Change>('POST', '/admin/v1/applications', {
      id: 'live-app',
      type: 'chat',
      endpoints: [endpoint(mock.url, 'live-a')],
    });
    expect(app.status).toBe(201);
    const consumer = await admin<Change>('POST', '/admin/v1/consumers', {
      id: 'live-team',
      applications: ['live-app'],
    });
    expect(consumer.status).toBe(201);
    expect(consumer.body.revision).toBeGreaterThan(app.body.revision);
    created = consumer.body;
    key = consumer.body.key ?? '';
    expect(key).toMatch(/^sk-aigw-/);

    await applied(created);
    for (const origin of gateways) {
      const { data, response } = await chat(origin, `hello from ${origin}`);
      expect(data.choices[0]?.message.content).toBeTruthy();
      expect(response.headers.get(VERSION_HEADER)).toBe(created.version);
    }
    // Both routers know the application: the queue group spreads these over them.
    for (let i = 0; i < 6; i++) await chat(gateways[i % 2] ?? '', `spread ${i}`);
    expect(mock.control.requests('live-a')).toHaveLength(8);
  });

  it('finishes a stream in flight while its endpoint is changed; the next request goes to the new one', async () => {
    const before = await poll('the first calls counted', async () => {
      const r = await report();
      return callsOf(r, 'live-a') >= 8 ? r : null;
    });
    mock.control.script('live-a', [{ chunks: 20, chunkDelayMs: 100 }]);
    const { data: stream, response } = await sdk(gateways[0] ?? '', key)
      .chat.completions.create({
        model: 'live-app',
        messages: [{ role: 'user', content: 'a long answer please' }],
        stream: true,
      })
      .withResponse();
    expect(response.headers.get(VERSION_HEADER)).toBe(created.version);
    const chunks: string[] = [];
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);

    // Point the endpoint at another upstream while the stream runs.
    const moved = await admin<Change>('PATCH', '/admin/v1/applications/live-app/endpoints/live-a', {
      url: `${mock.url}/e/live-b/v1`,
    });
    expect(moved.status).toBe(200);
    await applied(moved.body);
    // Still streaming from the old upstream.
    expect(mock.control.requests('live-a').at(-1)?.finishedAt).toBeNull();

    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      chunks.push(next.value.choices[0]?.delta.content ?? '');
    // The stream ran to its end on the endpoint it started on, uncut.
    const streamed = mock.control.requests('live-a').at(-1);
    expect(streamed?.aborted).toBe(false);
    expect(streamed?.finishedAt).not.toBeNull();
    expect(chunks.filter((c) => c !== '').length).toBeGreaterThanOrEqual(19);

    for (const origin of gateways) {
      const { response: after } = await chat(origin, 'after the move');
      expect(after.headers.get(VERSION_HEADER)).toBe(moved.body.version);
      expect(after.headers.get('x-aigw-endpoint')).toBe('live-a');
    }
    expect(mock.control.requests('live-b')).toHaveLength(2);
    expect(mock.control.requests('live-a')).toHaveLength(9);

    // The metrics and their history went on counting across the changes: nothing was reset.
    const after = await poll('the calls after the move counted', async () => {
      const r = await report();
      return callsOf(r, 'live-a') >= callsOf(before, 'live-a') + 3 ? r : null;
    });
    expect(callsOf(after, 'live-a')).toBe(callsOf(before, 'live-a') + 3);
    expect(after.applicationMetrics.map((a) => a.applicationId)).toEqual(
      expect.arrayContaining(before.applicationMetrics.map((a) => a.applicationId)),
    );
  }, 30_000);

  it('refuses a revoked key on both gateways, while the other keys still work', async () => {
    const revoked = await admin<Change>('DELETE', '/admin/v1/consumers/live-team/keys');
    expect(revoked.status).toBe(200);
    await applied(revoked.body);
    for (const origin of gateways) {
      const error: unknown = await chat(origin, 'still there?').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((error as InstanceType<typeof OpenAI.AuthenticationError>).headers?.get(VERSION_HEADER)).toBe(
        revoked.body.version,
      );
      const other = await sdk(origin, FULL_KEY)
        .chat.completions.create({ model: 'live-app', messages: [{ role: 'user', content: 'x' }] })
        .withResponse();
      expect(other.response.headers.get(VERSION_HEADER)).toBe(revoked.body.version);
    }
  });

  it('keeps serving its snapshot when the admin is down: valid keys stay valid', async () => {
    const adminProcess = deployment.processes.find((p) => p.name.startsWith('admin'));
    await adminProcess?.stop();
    for (const origin of gateways) {
      const { response } = await sdk(origin, FULL_KEY)
        .chat.completions.create({ model: 'live-app', messages: [{ role: 'user', content: 'admin down' }] })
        .withResponse();
      expect(response.status).toBe(200);
    }
  });
});

describe('live configuration, embedded mode', () => {
  let mock: MockLlm;
  let deployment: RunningDeployment;
  let admin: ReturnType<typeof adminClient>;

  beforeAll(async () => {
    mock = await startMockLlm({ port: 0 });
    const adminPort = await freePort();
    admin = adminClient(`http://127.0.0.1:${adminPort}`);
    deployment = await startEmbeddedDeployment({
      configPath: writeE2eConfig(mock.url),
      env: {
        E2E_AZURE_KEY: AZURE_UPSTREAM_KEY,
        ADMIN_PORT: String(adminPort),
        ADMIN_API_KEY: ADMIN_KEY,
      },
      mockLlmUrl: mock.url,
    });
  }, 90_000);

  afterAll(async () => {
    await deployment?.stop();
    await mock?.close();
  });

  it('applies an application, a new key and its revocation without a restart', async () => {
    const app = await admin<Change>('POST', '/admin/v1/applications', {
      id: 'live-app',
      type: 'chat',
      endpoints: [endpoint(mock.url, 'embedded-a')],
    });
    expect(app.status).toBe(201);
    const consumer = await admin<Change>('POST', '/admin/v1/consumers', {
      id: 'live-team',
      applications: ['live-app'],
    });
    expect(consumer.status).toBe(201);
    await poll('the key applied', async () => {
      const served = await servedRevision(deployment.origin);
      return served !== null && served.revision >= consumer.body.revision ? served : null;
    });
    const client = sdk(deployment.origin, consumer.body.key ?? '');
    const { data, response } = await client.chat.completions
      .create({ model: 'live-app', messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBeTruthy();
    expect(response.headers.get(VERSION_HEADER)).toBe(consumer.body.version);
    expect(mock.control.requests('embedded-a')).toHaveLength(1);

    const revoked = await admin<Change>('DELETE', '/admin/v1/consumers/live-team/keys');
    await poll('the revocation applied', async () => {
      const served = await servedRevision(deployment.origin);
      return served !== null && served.revision >= revoked.body.revision ? served : null;
    });
    const error: unknown = await client.chat.completions
      .create({ model: 'live-app', messages: [{ role: 'user', content: 'again' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
