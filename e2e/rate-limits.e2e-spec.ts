import { sha256Hex } from '@aigw/config';
import type { MockLlm } from '@aigw/mock-llm';
import { startMockLlm } from '@aigw/mock-llm';
import type { RunningDeployment } from '@aigw/testing';
import { startDistributedDeployment } from '@aigw/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';

const KEY = 'sk-e2e-rate-limits-key-3333333333';
const LIMIT = 10;
const WINDOW_S = 3;
const ROUTERS = 3;

function writeConfig(mockUrl: string): string {
  const ep = (id: string) =>
    `      - { id: ${id}, provider: openai-compatible, url: '${mockUrl}/e/${id}/v1', timeoutMs: 3000, allowPrivateNetwork: true }`;
  const yaml = `
server: { requestTimeoutMs: 20000, streamIdleTimeoutMs: 5000 }
auth:
  required: true
  keys:
    - { id: e2e, sha256: ${sha256Hex(KEY)} }
applications:
  - id: quota
    type: chat
    endpoints:
${ep('quota-main')}
    rateLimits:
      limits: [{ requests: ${LIMIT}, window: ${WINDOW_S} }]
  - id: headers
    type: chat
    endpoints:
${ep('headers-main')}
    rateLimits:
      perConsumer: [{ requests: 100, tokens: 100000, window: minute }]
      maxTokens: { limit: 64, action: reject }
`;
  const path = join(mkdtempSync(join(tmpdir(), 'aigw-e2e-rl-')), 'gateway.yaml');
  writeFileSync(path, yaml);
  return path;
}

const RESET = /^(\d+ms|(\d+h)?(\d+m)?\d+(\.\d+)?s)$/;

/** Polls the clock (Redis's, on this machine) until a window of `windowMs` has just begun. */
async function windowJustBegun(windowMs: number): Promise<void> {
  while (Date.now() % windowMs > 20) await new Promise((resolve) => setTimeout(resolve, 2));
}

describe(`rate limits across ${ROUTERS} router replicas (distributed: NATS, Redis)`, () => {
  let mock: MockLlm;
  let gateway: RunningDeployment;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockLlm({ port: 0 });
    gateway = await startDistributedDeployment({
      configPath: writeConfig(mock.url),
      mockLlmUrl: mock.url,
      replicas: { router: ROUTERS },
    });
    client = new OpenAI({ apiKey: KEY, baseURL: gateway.baseUrl, maxRetries: 0 });
  }, 90_000);
  afterAll(async () => {
    await gateway?.stop();
    await mock?.close();
  });

  const post = (model: string) =>
    fetch(`${gateway.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'count me' }] }),
    });

  it(`driven at 2× the limit for a full window, accepts no more than the limit (+1 in flight per replica)`, async () => {
    const windowMs = WINDOW_S * 1000;
    const requests = 2 * LIMIT;
    const spacingMs = Math.floor(windowMs / requests);
    await windowJustBegun(windowMs);
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: requests }, async (_, i) => {
        const due = started + i * spacingMs;
        while (Date.now() < due) await new Promise((resolve) => setTimeout(resolve, 1));
        const res = await post('quota');
        return {
          status: res.status,
          headers: res.headers,
          body: (await res.json()) as Record<string, unknown>,
        };
      }),
    );
    const accepted = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status !== 200);
    expect(accepted.length).toBeGreaterThanOrEqual(LIMIT);
    expect(accepted.length).toBeLessThanOrEqual(LIMIT + ROUTERS);
    expect(mock.control.requests('quota-main')).toHaveLength(accepted.length);
    for (const answer of refused) {
      expect(answer.status).toBe(429);
      expect(answer.body).toMatchObject({
        error: { type: 'rate_limit_error', code: 'rate_limit_exceeded', param: null },
      });
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(answer.headers.get('retry-after'))).toBeLessThanOrEqual(WINDOW_S);
      expect(Number(answer.headers.get('retry-after-ms'))).toBeLessThanOrEqual(windowMs);
      // The refusal reports the limit as a success does: none of it left until the reset.
      expect(answer.headers.get('x-ratelimit-limit-requests')).toBe(String(LIMIT));
      expect(answer.headers.get('x-ratelimit-remaining-requests')).toBe('0');
      expect(answer.headers.get('x-ratelimit-reset-requests')).toMatch(RESET);
    }
    const remaining = accepted.map((a) => Number(a.headers.get('x-ratelimit-remaining-requests')));
    expect(new Set(remaining).size).toBe(remaining.length);
    expect(Math.min(...remaining)).toBe(0);
    for (const answer of accepted) {
      expect(answer.headers.get('x-ratelimit-limit-requests')).toBe(String(LIMIT));
      expect(answer.headers.get('x-ratelimit-reset-requests')).toMatch(RESET);
    }
  }, 30_000);

  it('writes the x-ratelimit-* headers on JSON replies and with the held headers of a stream', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'headers', messages: [{ role: 'user', content: 'hello' }], max_tokens: 20 })
      .withResponse();
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('100');
    expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('100000');
    const firstRemaining = Number(response.headers.get('x-ratelimit-remaining-tokens'));
    expect(firstRemaining).toBeLessThan(100_000);
    expect(response.headers.get('x-ratelimit-reset-tokens')).toMatch(RESET);

    const { data: stream, response: streamed } = await client.chat.completions
      .create({
        model: 'headers',
        messages: [{ role: 'user', content: 'hello' }],
        max_tokens: 20,
        stream: true,
      })
      .withResponse();
    for await (const _chunk of stream) void _chunk;
    expect(streamed.headers.get('content-type')).toContain('text/event-stream');
    expect(Number(streamed.headers.get('x-ratelimit-remaining-requests'))).toBe(98);
    expect(Number(streamed.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThan(firstRemaining);
    expect(streamed.headers.get('x-ratelimit-reset-requests')).toMatch(RESET);
  });

  it('rejects a max_tokens above the application restriction with a 400 naming it', async () => {
    const error = await client.chat.completions
      .create({ model: 'headers', messages: [{ role: 'user', content: 'hello' }], max_tokens: 65 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'max_tokens', code: 'invalid_request' });
  });
});
