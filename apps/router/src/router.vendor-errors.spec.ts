import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayError } from '@aigw/contracts';
import type { RouterUnderTest } from './test/router-harness';
import {
  ManualClock,
  chatBody,
  collect,
  rejectionOf,
  routeRequest,
  startRouter,
} from './test/router-harness';

/** Vendor error bodies as Anthropic and Gemini send them (libs/providers/src/*\/fixtures). */
const ANTHROPIC_OVERLOADED = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
const ANTHROPIC_INVALID = {
  type: 'error',
  error: { type: 'invalid_request_error', message: 'messages: at least one message is required' },
};
const GEMINI_EXHAUSTED = {
  error: {
    code: 429,
    message: 'Resource has been exhausted (e.g. check quota).',
    status: 'RESOURCE_EXHAUSTED',
    details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '13s' }],
  },
};

type Answer = { readonly status: number; readonly body: unknown };

/**
 * Anthropic's and Gemini's errors through the router's failover: what a client of the gateway is told
 * (the OpenAI error and its retry hint), on a stand-in upstream that answers each endpoint as scripted.
 */
describe('router: vendor errors become OpenAI errors with retry hints', () => {
  let server: Server;
  let base: string;
  const answers = new Map<string, Answer>();
  const seen: string[] = [];
  let router: RouterUnderTest | null = null;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const endpoint = req.url?.split('/')[1] ?? '';
      seen.push(endpoint);
      req.resume();
      const answer = answers.get(endpoint) ?? { status: 500, body: {} };
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    answers.clear();
    seen.length = 0;
  });
  afterEach(async () => {
    await router?.close();
    router = null;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const anthropic = (id: string) => ({
    id,
    provider: 'anthropic',
    url: `${base}/${id}`,
    model: 'claude-test',
    apiKeyEnv: 'VENDOR_KEY',
    allowPrivateNetwork: true,
  });
  const gemini = (id: string) => ({
    id,
    provider: 'gemini',
    url: `${base}/${id}`,
    model: 'gemini-test',
    apiKeyEnv: 'VENDOR_KEY',
    allowPrivateNetwork: true,
  });
  const start = (endpoints: unknown[], clock = new ManualClock()) =>
    startRouter({
      applications: [{ id: 'chat', type: 'chat', endpoints }],
      mockLlmUrl: null,
      env: { VENDOR_KEY: 'vendor-secret-key' },
      clock,
    }).then((r) => (router = r));
  const refusal = async (promise: Promise<unknown>): Promise<GatewayError> => {
    const error = await rejectionOf(promise);
    if (!(error instanceof GatewayError)) throw error;
    return error;
  };
  const chat = () => router!.controller.chat(routeRequest('chat', chatBody()));

  it('Anthropic 529 overloaded everywhere: 503 with its cool-down as retry-after, each endpoint named, no key', async () => {
    const clock = new ManualClock();
    await start([anthropic('a1'), anthropic('a2')], clock);
    answers.set('a1', { status: 529, body: ANTHROPIC_OVERLOADED });
    answers.set('a2', { status: 529, body: ANTHROPIC_OVERLOADED });
    const error = await refusal(chat());
    expect(error).toMatchObject({
      code: 'service_unavailable',
      status: 503,
      retryAfterMs: 5_000,
      message: 'no endpoint is available: a1: HTTP 529 (retry in 5000 ms); a2: HTTP 529 (retry in 5000 ms)',
    });
    expect(error.message).not.toContain('vendor-secret-key');
    expect(error.message).not.toContain(base);

    // While they cool down they are skipped, and said to be overloaded (not rate limited).
    clock.advance(1_000);
    const skipped = await refusal(chat());
    expect(skipped).toMatchObject({
      code: 'service_unavailable',
      retryAfterMs: 4_000,
      message:
        'no endpoint is available: a1: overloaded (retry in 4000 ms); a2: overloaded (retry in 4000 ms)',
    });
    expect(seen).toEqual(['a1', 'a2']);

    clock.advance(4_000);
    answers.delete('a1');
    expect(await refusal(chat())).toMatchObject({ status: 502 });
    expect(seen).toEqual(['a1', 'a2', 'a1', 'a2']);
  });

  it('a Gemini 429 beside an Anthropic 529: 503, back when the soonest is', async () => {
    await start([gemini('g1'), anthropic('a1')]);
    answers.set('g1', { status: 429, body: GEMINI_EXHAUSTED });
    answers.set('a1', { status: 529, body: ANTHROPIC_OVERLOADED });
    // An overloaded endpoint beside a rate-limited one: no endpoint available, back when the first is.
    expect(await refusal(chat())).toMatchObject({
      code: 'service_unavailable',
      status: 503,
      retryAfterMs: 5_000,
      message: 'no endpoint is available: g1: HTTP 429 (retry in 13000 ms); a1: HTTP 529 (retry in 5000 ms)',
    });
  });

  it('Gemini alone rate limited: 429 rate_limit_exceeded with the RetryInfo delay, on a stream too', async () => {
    await start([gemini('g1')]);
    answers.set('g1', { status: 429, body: GEMINI_EXHAUSTED });
    expect(await refusal(chat())).toMatchObject({
      code: 'rate_limit_exceeded',
      status: 429,
      retryAfterMs: 13_000,
      message: 'all endpoints are rate limited: g1: HTTP 429 (retry in 13000 ms)',
    });
    const { events, error } = await collect(
      router!.controller.chatStream(routeRequest('chat', chatBody({ stream: true }))),
    );
    expect(events).toEqual([]);
    expect(error).toMatchObject({
      code: 'rate_limit_exceeded',
      retryAfterMs: 13_000,
      message: 'all endpoints are rate limited: g1: cooling down after HTTP 429 (retry in 13000 ms)',
    });
  });

  it("Anthropic's 400 is the client's mistake: passed through as 400, no other endpoint tried", async () => {
    await start([anthropic('a1'), anthropic('a2')]);
    answers.set('a1', { status: 400, body: ANTHROPIC_INVALID });
    expect(await refusal(chat())).toMatchObject({
      code: 'upstream_bad_request',
      status: 400,
      message: 'messages: at least one message is required',
    });
    expect(seen).toEqual(['a1']);
  });
});
