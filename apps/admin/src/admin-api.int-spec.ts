import { resolveConfig, sha256Hex } from '@aigw/config';
import { SignJWT } from 'jose';
import type { ApiResponse } from './test/admin-api.client';
import type { RunningAdmin } from './test/admin-harness';
import { AdminFixture, DOCUMENT_ENV, PROVIDER_SECRET } from './test/admin-harness';

jest.setTimeout(60_000);

type Body = Record<string, unknown>;
const fixture = new AdminFixture();
let admin: RunningAdmin;

beforeAll(async () => {
  await fixture.setUp();
  admin = await fixture.start();
});
afterAll(async () => {
  await admin?.close();
  await fixture.tearDown();
});

const call = <T = Body>(method: string, path: string, options = {}) =>
  admin.api.call<T>(method, path, options);
const version = async () =>
  (await call('GET', '/admin/v1/config', { headers: { accept: 'application/json' } })).headers
    .get('etag')
    ?.replace(/"/g, '');
const versionCount = async () =>
  (await call<{ data: unknown[] }>('GET', '/admin/v1/versions')).body.data.length;
const errorOf = (res: ApiResponse) =>
  res.body.error as {
    message: string;
    type: string;
    param: string | null;
    code: string;
    problems?: Array<{ path: string; message: string }>;
  };

describe('the admin REST API on the machine Postgres', () => {
  it('seeds the store from the file and exports it as YAML and as JSON', async () => {
    const yaml = await call('GET', '/admin/v1/config');
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get('content-type')).toContain('application/yaml');
    expect(yaml.text).toContain('id: mock-chat');
    const json = await call<Body>('GET', '/admin/v1/config', { headers: { accept: 'application/json' } });
    expect((json.body.applications as Body[]).map((a) => a.id)).toEqual(['chat', 'embed']);
    // Stored as written: keys keep the file's order, so an export reads like the file.
    expect(Object.keys(json.body)).toEqual(['auth', 'applications']);
    expect(Object.keys((json.body.applications as Body[])[0] ?? {})).toEqual([
      'id',
      'type',
      'description',
      'endpoints',
    ]);
    expect(json.headers.get('etag')).toBe(yaml.headers.get('etag'));
    const versions = await call<{ data: Body[] }>('GET', '/admin/v1/versions');
    expect(versions.body.data).toEqual([
      expect.objectContaining({ author: 'config-file', parentVersion: null, active: true }),
    ]);
  });

  it.each([
    ['no credential', null, 401, 'invalid_api_key'],
    ['a wrong key', 'sk-admin-wrong-0123456789', 401, 'invalid_api_key'],
  ])('refuses %s in the OpenAI error shape', async (_label, credential, status, code) => {
    const res = await call('GET', '/admin/v1/applications', { credential });
    expect(res.status).toBe(status);
    expect(res.body).toEqual({
      error: { message: expect.any(String) as unknown, type: 'authentication_error', param: null, code },
    });
  });

  it('accepts a JWT with scope admin (its subject is the author) and refuses one without with 403', async () => {
    const secret = new TextEncoder().encode(fixture.jwtSecret);
    const token = (scope: string) =>
      new SignJWT({ scope })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('alice')
        .setExpirationTime('5m')
        .sign(secret);
    expect((await call('GET', '/admin/v1/applications', { credential: await token('read') })).status).toBe(
      403,
    );
    const patched = await call('PATCH', '/admin/v1/applications/embed', {
      credential: await token('admin'),
      body: { description: 'Embeddings' },
    });
    expect(patched.status).toBe(200);
    const versions = await call<{ data: Body[] }>('GET', '/admin/v1/versions');
    expect(versions.body.data[0]).toEqual(expect.objectContaining({ author: 'jwt:alice', active: true }));
  });

  it('creates, reads, merge-patches, replaces and deletes applications and their endpoints', async () => {
    const created = await call<Body>('POST', '/admin/v1/applications', {
      body: { id: 'assistant', type: 'chat', models: ['gpt-x'], endpoints: [{ id: 'm1', provider: 'mock' }] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual(expect.objectContaining({ committed: true, dryRun: false }));
    expect(created.headers.get('etag')).toBe(`"${String(created.body.version)}"`);
    expect((created.body.diff as Body).applications).toEqual({
      added: ['assistant'],
      removed: [],
      changed: [],
    });
    expect(
      (
        await call('POST', '/admin/v1/applications', {
          body: { id: 'assistant', type: 'chat', endpoints: [{ id: 'm', provider: 'mock' }] },
        })
      ).status,
    ).toBe(409);

    const patched = await call<Body>('PATCH', '/admin/v1/applications/assistant', {
      body: { description: 'An assistant', models: null },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toEqual({
      id: 'assistant',
      type: 'chat',
      description: 'An assistant',
      endpoints: [{ id: 'm1', provider: 'mock' }],
    });
    expect((await call<Body>('GET', '/admin/v1/applications/assistant')).body).toEqual(patched.body.data);

    expect(
      (
        await call('POST', '/admin/v1/applications/assistant/endpoints', {
          body: { id: 'm2', provider: 'mock', priority: 0 },
        })
      ).status,
    ).toBe(201);
    const endpoint = await call<Body>('PATCH', '/admin/v1/applications/assistant/endpoints/m2', {
      body: { timeoutMs: 5000 },
    });
    expect((endpoint.body.diff as Body).applications).toEqual({
      added: [],
      removed: [],
      changed: [
        {
          id: 'assistant',
          fields: [],
          endpoints: { added: [], removed: [], changed: [{ id: 'm2', fields: ['timeoutMs'] }] },
        },
      ],
    });
    const listed = await call<{ data: Body[] }>('GET', '/admin/v1/applications/assistant/endpoints');
    expect(listed.body.data.map((e) => e.id)).toEqual(['m1', 'm2']);
    expect((await call('DELETE', '/admin/v1/applications/assistant/endpoints/m1')).status).toBe(200);
    expect((await call('GET', '/admin/v1/applications/assistant/endpoints/m1')).status).toBe(404);

    const replaced = await call<Body>('PUT', '/admin/v1/applications/assistant', {
      body: { type: 'embeddings', endpoints: [{ id: 'e', provider: 'mock' }] },
    });
    expect(replaced.status).toBe(200);
    expect(
      (
        await call('PUT', '/admin/v1/applications/assistant', {
          body: { id: 'renamed', type: 'chat', endpoints: [{ id: 'e', provider: 'mock' }] },
        })
      ).status,
    ).toBe(400);
    expect((await call('DELETE', '/admin/v1/applications/assistant')).status).toBe(200);
    const missing = await call('GET', '/admin/v1/applications/assistant');
    expect([missing.status, errorOf(missing).code]).toEqual([404, 'resource_not_found']);
  });

  it('refuses an invalid application with 400 naming the path of each bad field', async () => {
    const res = await call('POST', '/admin/v1/applications', {
      body: {
        id: 'bad',
        type: 'chat',
        endpoints: [
          { id: 'x', provider: 'nope' },
          { id: 'y', provider: 'azure-openai' },
        ],
      },
    });
    expect(res.status).toBe(400);
    const paths = errorOf(res).problems?.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(['endpoints[0].provider', 'endpoints[1].url', 'endpoints[1].deployment']),
    );
    expect(errorOf(res).param).toBe(paths?.[0]);
  });

  it('dry runs report the diff and write nothing', async () => {
    const before = { version: await version(), count: await versionCount() };
    const dry = await call<Body>('DELETE', '/admin/v1/applications/embed?dryRun=true');
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual(
      expect.objectContaining({ dryRun: true, committed: false, previousVersion: before.version }),
    );
    expect((dry.body.diff as Body).applications).toEqual({ added: [], removed: ['embed'], changed: [] });
    const dryImport = await call<Body>('PUT', '/admin/v1/config?dryRun=true', {
      raw: 'applications:\n  - id: only\n    type: chat\n    endpoints: [{ id: m, provider: mock }]\nauth: { required: false }\n',
      headers: { 'content-type': 'application/yaml' },
    });
    expect(dryImport.status).toBe(200);
    expect(dryImport.body.diff).toEqual(
      expect.objectContaining({ applications: { added: ['only'], removed: ['chat', 'embed'], changed: [] } }),
    );
    const dryConsumer = await call<Body>('POST', '/admin/v1/consumers?dryRun=true', {
      body: { id: 'dry', applications: ['chat'] },
    });
    expect(dryConsumer.status).toBe(200);
    expect(dryConsumer.body.key).toBeUndefined();
    expect((dryConsumer.body.diff as Body).consumers).toEqual({ added: ['dry'], removed: [], changed: [] });
    expect({ version: await version(), count: await versionCount() }).toEqual(before);
    expect((await call('GET', '/admin/v1/applications/embed')).status).toBe(200);
    expect((await call('GET', '/admin/v1/consumers/dry')).status).toBe(404);
  });

  it('refuses a change prepared on a stale version with 409 (optimistic concurrency)', async () => {
    const current = await version();
    const first = await call<Body>('PATCH', '/admin/v1/applications/chat', {
      body: { description: 'one' },
      headers: { 'if-match': `"${current}"` },
    });
    expect(first.status).toBe(200);
    const stale = await call('PATCH', '/admin/v1/applications/chat', {
      body: { description: 'two' },
      headers: { 'if-match': `"${current}"` },
    });
    expect([stale.status, errorOf(stale).code]).toEqual([409, 'conflict']);
    expect((await call<Body>('GET', '/admin/v1/applications/chat')).body.description).toBe('one');
    expect(
      (
        await call('PATCH', '/admin/v1/applications/chat', {
          body: {},
          headers: { 'if-match': 'not a version' },
        })
      ).status,
    ).toBe(412);
    const concurrent = await Promise.all(
      ['a', 'b', 'c'].map((d) =>
        call('PATCH', '/admin/v1/applications/chat', {
          body: { description: d },
          headers: { 'if-match': `"${String(first.body.version)}"` },
        }),
      ),
    );
    expect(concurrent.map((r) => r.status).sort()).toEqual([200, 409, 409]);
  });

  it('refuses an invalid whole document with 400 listing every problem with its path, and writes nothing', async () => {
    const before = { version: await version(), count: await versionCount() };
    const res = await call('PUT', '/admin/v1/config', {
      raw: [
        'server: { port: 99999 }',
        'auth: { keys: [{ id: k, applications: [ghost] }] }',
        'applications:',
        '  - id: a',
        '    type: chat',
        '    endpoints: [{ id: e, provider: mock, timeoutMs: -1 }]',
        '  - id: b',
        '    type: teleport',
        '    endpoints: [{ id: e, provider: mock }]',
      ].join('\n'),
      headers: { 'content-type': 'application/yaml' },
    });
    expect(res.status).toBe(400);
    expect(errorOf(res).problems?.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        'server.port',
        'auth.keys[0]',
        'applications[0].endpoints[0].timeoutMs',
        'applications[1].type',
      ]),
    );
    const unknownApp = await call('PUT', '/admin/v1/config', {
      body: {
        auth: { keys: [{ id: 'k', sha256: 'a'.repeat(64), applications: ['ghost'] }] },
        applications: [
          { id: 'a', type: 'chat', endpoints: [{ id: 'e', provider: 'mock', apiKeyEnv: 'UNSET_VARIABLE' }] },
        ],
      },
    });
    expect(errorOf(unknownApp).problems).toEqual(
      expect.arrayContaining([
        { path: 'auth.keys[0].applications[0]', message: 'unknown application "ghost"' },
        {
          path: 'applications[0].endpoints[0].apiKeyEnv',
          message: 'environment variable UNSET_VARIABLE is not set',
        },
      ]),
    );
    const syntax = await call('PUT', '/admin/v1/config', {
      raw: 'applications: [\n',
      headers: { 'content-type': 'application/yaml' },
    });
    expect(syntax.status).toBe(400);
    expect({ version: await version(), count: await versionCount() }).toEqual(before);
  });

  it('generates a consumer key shown once, stored as its SHA-256 entry, rotated and revoked', async () => {
    const created = await call<Body & { key: string; data: Body }>('POST', '/admin/v1/consumers', {
      body: { id: 'team-a', applications: ['chat'] },
    });
    expect(created.status).toBe(201);
    const key = created.body.key;
    expect(key).toMatch(/^sk-aigw-/);
    expect(created.body.data).toEqual({
      id: 'team-a',
      applications: ['chat'],
      credential: { kind: 'key', fingerprint: sha256Hex(key).slice(0, 8) },
    });

    const exported = await call<Body>('GET', '/admin/v1/config', { headers: { accept: 'application/json' } });
    const resolved = resolveConfig(exported.body, {
      ...DOCUMENT_ENV,
      GATEWAY_API_KEY: 'sk-local-0123456789abcdef',
    });
    const entry = resolved.auth.keys.find((k) => k.id === 'team-a');
    expect(entry?.sha256).toBe(sha256Hex(key));
    expect([...(entry?.applications ?? [])]).toEqual(['chat']);

    const rotated = await call<Body & { key: string }>('POST', '/admin/v1/consumers/team-a/keys');
    expect(rotated.status).toBe(201);
    expect(rotated.body.key).not.toBe(key);
    const afterRotation = await call<Body>('GET', '/admin/v1/config', {
      headers: { accept: 'application/json' },
    });
    const keys = resolveConfig(afterRotation.body, { ...DOCUMENT_ENV, GATEWAY_API_KEY: 'x'.repeat(16) }).auth
      .keys;
    expect(keys.find((k) => k.id === 'team-a')?.sha256).toBe(sha256Hex(rotated.body.key));

    // A replacement that sends no credential keeps the consumer's key.
    const replaced = await call<Body & { data: Body }>('PUT', '/admin/v1/consumers/team-a', {
      body: { applications: ['embed'] },
    });
    expect(replaced.body.data).toEqual({
      id: 'team-a',
      applications: ['embed'],
      credential: { kind: 'key', fingerprint: sha256Hex(rotated.body.key).slice(0, 8) },
    });

    const revoked = await call<Body & { data: Body }>('DELETE', '/admin/v1/consumers/team-a/keys');
    expect(revoked.body.data).toEqual(expect.objectContaining({ credential: { kind: 'revoked' } }));
    const afterRevocation = await call<Body>('GET', '/admin/v1/config', {
      headers: { accept: 'application/json' },
    });
    expect(afterRevocation.text).not.toContain(sha256Hex(rotated.body.key));

    // Each key appeared in exactly one response: the one that created it.
    for (const k of [key, rotated.body.key])
      expect(admin.api.bodies.filter((b) => b.includes(k))).toHaveLength(1);
    expect(
      (await call<Body>('PATCH', '/admin/v1/consumers/team-a', { body: { applications: ['chat', 'embed'] } }))
        .status,
    ).toBe(200);
    expect((await call('DELETE', '/admin/v1/consumers/team-a')).status).toBe(200);
    expect((await call('GET', '/admin/v1/consumers/team-a')).status).toBe(404);
  });

  it('lists versions and rolls back to an earlier one', async () => {
    const versions = await call<{ data: Body[] }>('GET', '/admin/v1/versions');
    const seeded = versions.body.data[versions.body.data.length - 1];
    const detail = await call<Body>('GET', `/admin/v1/versions/${String(seeded.version)}`);
    expect((detail.body.document as Body).applications).toHaveLength(2);
    const rollback = await call<Body>('POST', `/admin/v1/versions/${String(seeded.version)}/activate`);
    expect(rollback.status).toBe(200);
    expect(rollback.body.version).toBe(seeded.version);
    expect(await version()).toBe(seeded.version);
    const after = await call<{ data: Body[] }>('GET', '/admin/v1/versions');
    expect(after.body.data).toHaveLength(versions.body.data.length + 1);
    expect(after.body.data[0]).toEqual(
      expect.objectContaining({
        version: seeded.version,
        active: true,
        summary: expect.stringContaining('activated') as unknown,
      }),
    );
    expect((await call('GET', '/admin/v1/versions/000000000000')).status).toBe(404);
  });

  it('documents every route it serves in its OpenAPI 3.1 document', async () => {
    const res = await call<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/admin/v1/openapi.json',
      { credential: null },
    );
    expect(res.body.openapi).toBe('3.1.0');
    const served = admin.startup.routes.map((r) => `${r.method} ${r.url.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    const documented = Object.entries(res.body.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(served.length).toBeGreaterThan(20);
    expect([...new Set(served)].sort()).toEqual([...new Set(documented)].sort());
  });

  it('reports readiness on its database', async () => {
    expect((await call('GET', '/readyz', { credential: null })).body).toEqual({ status: 'ok' });
    expect((await call('GET', '/healthz', { credential: null })).status).toBe(200);
  });

  it('never returns a secret: no provider key value, no admin key, in any response', () => {
    expect(admin.api.bodies.length).toBeGreaterThan(30);
    for (const body of admin.api.bodies) {
      expect(body).not.toContain(PROVIDER_SECRET);
      expect(body).not.toContain(fixture.adminKey);
    }
  });
});
