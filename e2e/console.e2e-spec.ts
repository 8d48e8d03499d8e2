import { sha256Hex } from '@aigw/config';
import type { MockLlm } from '@aigw/mock-llm';
import { startMockLlm } from '@aigw/mock-llm';
import type { PgliteProcess, RunningDeployment } from '@aigw/testing';
import { freePort, startDistributedDeployment, startPgliteProcess } from '@aigw/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { analyseScreenshot } from './console-screenshot';

/** Debian's package (`.ci/run` installs it); `CHROMIUM_PATH` names another build. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CLIENT_KEY = 'sk-e2e-console-client-0000000000';
const ADMIN_KEY = `sk-admin-${randomBytes(16).toString('hex')}`;
const VIEWPORT = { width: 1280, height: 900 };

/**
 * A chat application whose first endpoint will fail (its breaker opens after 2 failures and stays
 * open), with a limit on the second and the exact cache tier; another whose active health checks find
 * one endpoint unhealthy.
 */
function writeConsoleConfig(mockUrl: string): string {
  const url = (id: string) => `'${mockUrl}/e/${id}/v1'`;
  const probe = (path: string) =>
    `{ active: { path: ${path}, timeout: 1, healthy: { interval: 0.2 }, unhealthy: { interval: 0.2, httpFailures: 1 } } }`;
  const yaml = `
server: { requestTimeoutMs: 20000, streamIdleTimeoutMs: 5000 }
auth:
  required: true
  keys: [{ id: e2e-client, sha256: ${sha256Hex(CLIENT_KEY)}, applications: ['*'] }]
metrics: { collectionIntervalMinutes: 1, historyCount: 10 }
cacheSettings: { cacheEnabled: true, vectorizer: local, lookupTimeoutMs: 3000 }
applications:
  - id: console-chat
    type: chat
    routing: { circuitBreaker: { failureThreshold: 2, openMs: 600000 } }
    rateLimits: { limits: [{ requests: 1000, window: minute }] }
    cacheSettings: { useCache: true }
    endpoints:
      - { id: flaky, provider: openai-compatible, url: ${url('flaky')}, timeoutMs: 3000, allowPrivateNetwork: true }
      - { id: steady, provider: openai-compatible, url: ${url('steady')}, rpm: 500, timeoutMs: 3000, allowPrivateNetwork: true }
  - id: console-probed
    type: chat
    endpoints:
      - { id: well, provider: openai-compatible, url: ${url('well')}, checks: ${probe('/models')}, allowPrivateNetwork: true }
      - { id: sick, provider: openai-compatible, url: ${url('sick')}, checks: ${probe('/no-such-probe')}, allowPrivateNetwork: true }
`;
  const path = join(mkdtempSync(join(tmpdir(), 'aigw-console-e2e-')), 'gateway.yaml');
  writeFileSync(path, yaml);
  return path;
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

jest.setTimeout(60_000);

describe('the web console in headless Chromium, distributed mode', () => {
  let mock: MockLlm;
  let pglite: PgliteProcess;
  let deployment: RunningDeployment;
  let configPath: string;
  let admin: string;
  let profile: string;
  let browser: BrowserContext;
  let page: Page;
  const requestedUrls: string[] = [];
  const pageErrors: string[] = [];
  let sent = 0;

  const sdk = (apiKey: string) => new OpenAI({ apiKey, baseURL: deployment.baseUrl, maxRetries: 0 });
  const ask = async (apiKey: string, content: string) => {
    const reply = await sdk(apiKey)
      .chat.completions.create({ model: 'console-chat', messages: [{ role: 'user', content }] })
      .withResponse();
    sent += 1;
    return reply;
  };
  const adminGet = async (path: string, accept = 'application/json') => {
    const res = await fetch(`${admin}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}`, accept } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res;
  };
  /**
   * The gateway takes the consumers the admin API changed: the active document exported to its
   * configuration file, then the gateway process restarted on it. (Once services apply
   * `config.changed` live, the restart is not needed; it stays correct.)
   */
  const applyToGateway = async () => {
    writeFileSync(configPath, await (await adminGet('/admin/v1/config', 'application/yaml')).text());
    await deployment.restart('gateway-0');
  };

  beforeAll(async () => {
    mock = await startMockLlm({ port: 0 });
    mock.control.setDefault('flaky', { status: 500 });
    pglite = await startPgliteProcess();
    const port = await freePort();
    admin = `http://127.0.0.1:${port}`;
    configPath = writeConsoleConfig(mock.url);
    deployment = await startDistributedDeployment({
      configPath,
      env: { DATABASE_URL: pglite.url, ADMIN_PORT: String(port), ADMIN_API_KEY: ADMIN_KEY },
      mockLlmUrl: mock.url,
      startTimeoutMs: 90_000,
    });
    profile = mkdtempSync(join(tmpdir(), 'aigw-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: VIEWPORT,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('request', (request) => requestedUrls.push(request.url()));
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Chromium logs every non-2xx fetch as an error (the refused sign-in is one): not a script error.
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource'))
        pageErrors.push(msg.text());
    });
    page.on('dialog', (dialog) => void dialog.accept());
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await deployment?.stop();
    await pglite?.stop();
    await mock?.close();
  });

  it('sends traffic through the gateway: the failing endpoint opens its breaker, a repeat hits the cache', async () => {
    for (let i = 0; i < 3; i++) {
      const { data, response } = await ask(CLIENT_KEY, `console question ${i}`);
      expect(response.headers.get('x-aigw-endpoint')).toBe('steady');
      expect(data.choices[0]?.message.content).toBe(`Mock reply to: console question ${i}`);
    }
    // Two failures opened the breaker: the third request went straight to `steady`.
    expect(mock.control.requests('flaky')).toHaveLength(2);
    const hit = await until(
      () => ask(CLIENT_KEY, 'console question 0'),
      (r) => r.response.headers.get('x-aigw-cache') === 'hit',
      15_000,
    );
    expect(hit.data.choices[0]?.message.content).toBe('Mock reply to: console question 0');
  });

  it('asks for the admin credential, refuses a wrong one, and keeps the right one out of URLs', async () => {
    await page.goto(`${admin}/console`);
    await page.locator('#login-form').waitFor({ state: 'visible' });
    expect(await page.locator('#dashboard').isVisible()).toBe(false);

    await page.fill('#credential', 'sk-not-the-admin-key');
    await page.click('#login-form button[type=submit]');
    await page.locator('#login-error').filter({ hasText: 'Incorrect admin credential' }).waitFor();
    expect(await page.locator('#dashboard').isVisible()).toBe(false);

    await page.fill('#credential', ADMIN_KEY);
    await page.click('#login-form button[type=submit]');
    await page.locator('#dashboard').waitFor({ state: 'visible' });
    expect(await page.evaluate("sessionStorage.getItem('aigw.console.credential')")).toBe(ADMIN_KEY);
    expect(page.url()).toBe(`${admin}/console`);
  });

  it('shows the applications and endpoints with the live breaker, health and limit state', async () => {
    const row = (id: string) => page.locator(`tr[data-endpoint="${id}"]`);
    await row('console-chat/flaky').locator('[data-breaker="open"]').waitFor();
    await row('console-chat/steady').locator('[data-breaker="closed"]').waitFor();
    expect(await row('console-chat/flaky').locator('.breaker').innerText()).toMatch(
      /^open, probe in \d+ min$/,
    );
    const steadyLimit = await row('console-chat/steady').locator('[data-limit]').innerText();
    expect(steadyLimit).toMatch(/^requests per minute of endpoint steady: \d+ \/ 500, resets in \d+ m?s$/);
    await row('console-probed/sick').locator('[data-health="unhealthy"]').waitFor();
    await row('console-probed/well').locator('[data-health="healthy"]').waitFor();
    expect(await page.locator('tr[data-application="console-chat"]').innerText()).toContain(
      'requests per minute of application console-chat',
    );
    // The page's reading is the router's own (the admin API relays it).
    const state = (await (await adminGet('/admin/v1/state')).json()) as {
      store: string;
      applications: {
        applicationId: string;
        endpoints: { endpointId: string; breaker: { state: string } }[];
      }[];
    };
    expect(state.store).toBe('shared');
    const chat = state.applications.find((a) => a.applicationId === 'console-chat');
    expect(chat?.endpoints.map((e) => [e.endpointId, e.breaker.state])).toEqual([
      ['flaky', 'open'],
      ['steady', 'closed'],
    ]);
  });

  let consumerKey = '';

  it('creates a consumer through the page, shows its key once, and the SDK can use that key', async () => {
    await page.fill('#consumer-id', 'console-team');
    await page.fill('#consumer-applications', 'console-chat');
    await page.click('#consumer-form button[type=submit]');
    await page.locator('#new-key').waitFor({ state: 'visible' });
    consumerKey = await page.locator('#new-key-value').innerText();
    expect(consumerKey).toMatch(/^sk-\S{20,}$/);
    const row = page.locator('tr[data-consumer="console-team"]');
    await row.locator('[data-credential="key"]').waitFor();
    expect(await row.innerText()).toContain(sha256Hex(consumerKey).slice(0, 8));
    await page.click('#new-key-dismiss');
    expect(await page.locator('#new-key').isVisible()).toBe(false);
    expect(await page.content()).not.toContain(consumerKey);

    await applyToGateway();
    const { data, response } = await ask(consumerKey, 'hello from the new consumer');
    expect(response.status).toBe(200);
    expect(data.choices[0]?.message.content).toBe('Mock reply to: hello from the new consumer');
  });

  it('revokes the key through the page; the SDK then gets 401', async () => {
    const row = page.locator('tr[data-consumer="console-team"]');
    await row.locator('button[data-action="revoke"]').click();
    await row.locator('[data-credential="revoked"]').waitFor();
    expect(await row.locator('button[data-action="revoke"]').isDisabled()).toBe(true);

    await applyToGateway();
    const error = await ask(consumerKey, 'still there?').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).status).toBe(401);
    // The client's own key still works: the restart dropped nothing else.
    expect((await ask(CLIENT_KEY, 'after the revocation')).response.status).toBe(200);
  });

  it('charts requests, latency, tokens and cache hits from the metrics history', async () => {
    // History holds finished intervals only: the first minute of traffic closes at the next boundary.
    const series = await until(
      async () =>
        (await (await adminGet('/admin/v1/metrics')).json()) as {
          total: { requests: number; tokens: number; latencyMs: number | null; cacheHits: number }[];
        },
      (s) => s.total.length > 0 && s.total.some((p) => p.cacheHits > 0),
      150_000,
    );
    expect(series.total.every((p) => p.requests > 0 && p.tokens > 0 && p.latencyMs !== null)).toBe(true);
    const counted = series.total.reduce((n, p) => n + p.requests, 0);
    expect(counted).toBeGreaterThan(0);
    expect(counted).toBeLessThanOrEqual(sent);

    // The page reads the history again every 5 s: it shows at least what the API had.
    const dots = (chart: string, series = '') =>
      page.locator(
        `svg[data-chart="${chart}"] circle.point${series === '' ? '' : `[data-series="${series}"]`}`,
      );
    await until(
      () => dots('requests', 'requests').count(),
      (n) => n >= series.total.length,
      20_000,
    );
    for (const chart of ['latency', 'tokens', 'cache-hits'])
      expect(await dots(chart).count()).toBeGreaterThan(0);
    const hits = await dots('cache-hits').locator('title').allTextContents();
    expect(hits.some((t) => /^cache hits at \d\d:\d\d: [1-9]\d*$/.test(t))).toBe(true);
  }, 200_000);

  it('takes a screenshot with the tables and the drawn charts in it', async () => {
    // Boxes in page coordinates, as the full-page screenshot has them: measured scrolled to the top.
    await page.evaluate('window.scrollTo(0, 0)');
    const charts = [];
    for (const svg of await page.locator('svg[data-chart]').all()) {
      const box = await svg.boundingBox();
      if (box !== null) charts.push(box);
    }
    expect(charts).toHaveLength(4);
    const png = await page.screenshot({ fullPage: true, path: join(profile, 'console.png') });
    const shot = analyseScreenshot(png, charts, '#2b6cb0');
    expect(shot.width).toBe(VIEWPORT.width);
    expect(shot.height).toBeGreaterThanOrEqual(VIEWPORT.height);
    // Not blank: a page of text, tables and colours varies a lot.
    expect(shot.lumaStdDev).toBeGreaterThan(20);
    for (const region of shot.regions) {
      // Each chart's area holds drawn pixels (axes, labels, lines) besides its white background…
      expect(region.inkShare).toBeGreaterThan(0.02);
    }
    // …and the requests chart holds its line in its colour, not only the axes.
    expect(shot.regions[0]?.seriesPixels).toBeGreaterThan(15);
  });

  it('never put the admin key in a URL, and ran without script errors', () => {
    expect(requestedUrls.length).toBeGreaterThan(10);
    expect(requestedUrls.filter((u) => u.includes(ADMIN_KEY))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
