import { resolveConfig } from '@aigw/config';
import type { ConfigChangedEvent } from '@aigw/contracts';
import {
  ConfigChangedEventSchema,
  ConfigGetReplySchema,
  ConfigVersionReplySchema,
  Subjects,
} from '@aigw/contracts';
import { BusClient, createClientProxy } from '@aigw/messaging';
import type { NatsConnection, Subscription } from 'nats';
import { connect } from 'nats';
import { Client } from 'pg';
import type { RunningAdmin } from './test/admin-harness';
import { AdminFixture, DOCUMENT_ENV, INITIAL_YAML, NATS_URL } from './test/admin-harness';
import { waitFor } from './test/admin-databases';

jest.setTimeout(60_000);

type Body = Record<string, unknown>;

/** Every `config.changed` of the fixture's namespace, as a plain NATS subscriber sees it. */
async function subscribeEvents(
  nc: NatsConnection,
  namespace: string,
): Promise<{ events: ConfigChangedEvent[]; sub: Subscription }> {
  const events: ConfigChangedEvent[] = [];
  const sub = nc.subscribe(`${namespace}.${Subjects.config.changed}`, {
    callback: (_error, msg) => {
      const packet = JSON.parse(new TextDecoder().decode(msg.data)) as { data: unknown };
      events.push(ConfigChangedEventSchema.parse(packet.data));
    },
  });
  await nc.flush();
  return { events, sub };
}

describe('the admin service on the bus, its file rule and the ganrad routes', () => {
  const fixture = new AdminFixture();
  let nc: NatsConnection;
  let bus: BusClient;
  let events: ConfigChangedEvent[];
  let admin: RunningAdmin;

  beforeAll(async () => {
    await fixture.setUp();
    nc = await connect({ servers: NATS_URL });
    ({ events } = await subscribeEvents(nc, fixture.namespace));
    bus = new BusClient(createClientProxy('admin-spec', fixture.transport));
    await bus.connect();
    admin = await fixture.start();
  });
  afterAll(async () => {
    await admin?.close();
    await bus?.close();
    await nc?.close();
    await fixture.tearDown();
  });

  const activeVersion = async () =>
    (await admin.api.call('GET', '/admin/v1/config', { headers: { accept: 'application/json' } })).headers
      .get('etag')
      ?.replace(/"/g, '');

  it('announces the seeded version, then every committed change, as config.changed on NATS', async () => {
    const seeded = await activeVersion();
    await waitFor(
      () => events.some((e) => e.version === seeded && e.previousVersion === null),
      'the seed event',
    );
    const res = await admin.api.call<Body>('PATCH', '/admin/v1/applications/chat', {
      body: { description: 'announced' },
    });
    expect(res.status).toBe(200);
    await waitFor(() => events.some((e) => e.version === res.body.version), 'the change event');
    expect(events.at(-1)).toEqual({
      revision: res.body.revision,
      version: res.body.version,
      previousVersion: seeded,
    });

    const count = events.length;
    await admin.api.call('PATCH', '/admin/v1/applications/chat?dryRun=true', {
      body: { description: 'not announced' },
    });
    await admin.api.call('PATCH', '/admin/v1/applications/chat', { body: { description: 'announced' } }); // no change
    const marker = await admin.api.call<Body>('PATCH', '/admin/v1/applications/chat', {
      body: { description: 'marker' },
    });
    await waitFor(() => events.some((e) => e.version === marker.body.version), 'the marker event');
    expect(events.length).toBe(count + 1); // neither the dry run nor the no-op change was announced
    // Revision numbers order the changes: services ignore an event older than what they serve.
    const revisions = events.map((e) => e.revision);
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
    expect(new Set(revisions).size).toBe(revisions.length);
  });

  it('serves the active document and version on admin.v1.config.get, valid for the shared loader', async () => {
    const reply = ConfigGetReplySchema.parse(
      await bus.request(Subjects.admin.configGet, {}, { timeoutMs: 5_000 }),
    );
    expect(reply.version).toBe(await activeVersion());
    expect(reply.revision).toBe(events.at(-1)?.revision);
    expect(resolveConfig(reply.document, DOCUMENT_ENV, 'reply', { keys: false }).version).toBe(reply.version);
    const version = ConfigVersionReplySchema.parse(
      await bus.request(Subjects.admin.configVersion, {}, { timeoutMs: 5_000 }),
    );
    expect(version).toEqual({ version: reply.version, applications: 2, recordedAt: reply.activatedAt });
  });

  it('keeps the database when the file did not change, and imports the file when it did', async () => {
    const changedByApi = await activeVersion();
    await admin.close();
    admin = await fixture.start();
    expect(await activeVersion()).toBe(changedByApi);

    await admin.close();
    fixture.writeConfig(INITIAL_YAML.replace('description: Chat', 'description: Edited in the file'));
    admin = await fixture.start();
    const imported = await admin.api.call<Body>('GET', '/admin/v1/applications/chat');
    expect(imported.body.description).toBe('Edited in the file');
    const versions = await admin.api.call<{ data: Body[] }>('GET', '/admin/v1/versions');
    expect(versions.body.data[0]).toEqual(
      expect.objectContaining({ author: 'config-file', parentVersion: changedByApi, active: true }),
    );
  });

  it('answers the ganrad /instanceinfo with the applications and their endpoints by priority', async () => {
    expect(
      (await admin.api.call('GET', '/api/v1/dev/apirouter/instanceinfo', { credential: null })).status,
    ).toBe(401);
    const info = await admin.api.call<Body>('GET', '/api/v1/dev/apirouter/instanceinfo');
    expect(info.status).toBe(200);
    expect(info.body).toEqual(
      expect.objectContaining({
        status: 'OK',
        apiGatewayUri: '/api/v1/dev/apirouter',
        endpointUri: '/api/v1/dev/apirouter/instanceinfo',
        serverConfig: expect.objectContaining({
          environment: 'dev',
          configFile: fixture.configFile,
          configVersion: await activeVersion(),
        }) as unknown,
      }),
    );
    const apps = info.body.aiApplications as Body[];
    expect(apps.map((a) => a.applicationId)).toEqual(['chat', 'embed']);
    expect(apps[0]?.endpoints).toEqual({
      '0': expect.objectContaining({ id: 'mock-chat', provider: 'mock', uri: null }) as unknown,
      '1': expect.objectContaining({
        id: 'upstream',
        uri: 'https://llm.example.com/v1',
        apiKeyEnv: 'PROVIDER_KEY',
      }) as unknown,
    });
  });

  it('re-reads the file on the ganrad /reconfig/{key} (the admin key), announcing it and resetting no metrics', async () => {
    expect(
      (
        await admin.api.call('GET', '/api/v1/dev/apirouter/reconfig/sk-wrong-key-0123456789', {
          credential: null,
        })
      ).status,
    ).toBe(401);
    // Drift from the file through the API, then ask for the file back.
    await admin.api.call('PATCH', '/admin/v1/applications/chat', { body: { description: 'from the API' } });
    fixture.writeConfig(INITIAL_YAML.replace('description: Chat', 'description: Reconfigured'));
    const res = await admin.api.call<Body>('GET', `/api/v1/dev/apirouter/reconfig/${fixture.adminKey}`, {
      credential: null,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expect.objectContaining({ changed: true, metricsReset: false, status: 'OK' }));
    expect((await admin.api.call<Body>('GET', '/admin/v1/applications/chat')).body.description).toBe(
      'Reconfigured',
    );
    await waitFor(() => events.some((e) => e.version === res.body.version), 'the reconfig event');
    const again = await admin.api.call<Body>('POST', `/api/v1/dev/apirouter/reconfig/${fixture.adminKey}`, {
      credential: null,
    });
    expect(again.body).toEqual(expect.objectContaining({ changed: false, version: res.body.version }));
  });

  it('seeds once when two instances start on an empty store at the same time', async () => {
    const other = new AdminFixture();
    await other.setUp();
    try {
      const both = await Promise.all([other.start(), other.start()]);
      const client = new Client({ connectionString: other.database.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ author: string }>('SELECT author FROM config_revisions');
        expect(rows).toEqual([{ author: 'config-file' }]);
      } finally {
        await client.end();
      }
      await Promise.all(both.map((a) => a.close()));
    } finally {
      await other.tearDown();
    }
  });
});
