import { Subjects } from '@aigw/contracts';
import { namespaced } from '@aigw/messaging';
import { connect } from 'nats';
import type { RunningAdmin } from '../test/admin-harness';
import { AdminFixture, NATS_URL } from '../test/admin-harness';

jest.setTimeout(60_000);

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

const errorOf = (body: unknown) => (body as { error: { code: string; message: string } }).error;

describe('the web console on the admin listener (real NATS, machine Postgres)', () => {
  it('serves the page to anyone, with a policy that allows only its own scripts and this server', async () => {
    const res = await admin.api.call('GET', '/console', { credential: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('<script type="module" src="/console/assets/main.js"></script>');
    expect(res.text).toContain('id="login-form"');
    const policy = res.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).toContain("form-action 'none'");
    expect(policy).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');

    const css = await admin.api.call('GET', '/console/assets/console.css', { credential: null });
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const missing = await admin.api.call('GET', '/console/assets/..%2Fadmin.module.js', { credential: null });
    expect(missing.status).toBe(404);
    expect(errorOf(missing.body).code).toBe('route_not_found');
  });

  it.each(['/admin/v1/state', '/admin/v1/metrics'])('%s needs the admin credential', async (path) => {
    const res = await admin.api.call('GET', path, { credential: null });
    expect(res.status).toBe(401);
    expect(errorOf(res.body).code).toBe('invalid_api_key');
  });

  it.each<[string, string]>([
    ['/admin/v1/state', Subjects.router.state],
    ['/admin/v1/metrics', Subjects.metrics.summary],
  ])('%s is a 503 when no service answers on %s', async (path, _subject) => {
    const res = await admin.api.call('GET', path);
    expect(res.status).toBe(503);
    expect(errorOf(res.body).code).toBe('service_unavailable');
  });

  it('is a 504 when the router does not answer within its timeout', async () => {
    // A subscriber that never replies: the request is delivered, and nobody answers.
    const nc = await connect({ servers: NATS_URL });
    const silent = nc.subscribe(namespaced(fixture.namespace, Subjects.router.state));
    let received = 0;
    void (async () => {
      for await (const _message of silent) received += 1;
    })();
    try {
      const res = await admin.api.call('GET', '/admin/v1/state');
      expect(res.status).toBe(504);
      expect(errorOf(res.body).code).toBe('service_timeout');
      expect(received).toBe(1);
    } finally {
      await nc.close();
    }
  });
});
