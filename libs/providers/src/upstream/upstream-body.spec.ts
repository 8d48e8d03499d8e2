import type { IncomingMessage, ServerResponse } from 'node:http';
import { initTelemetry } from '@aigw/observability';
import { parseOpenAiError } from '../openai-compatible/openai-error.mapper';
import { openAiStreamChunks } from '../openai-compatible/openai-stream.mapper';
import type { TestUpstream } from '../test/test-upstream';
import { startTestUpstream } from '../test/test-upstream';
import type { DispatchedBody } from './upstream-body';
import type { UpstreamCall } from './upstream-http.client';
import { UpstreamHttpClient } from './upstream-http.client';

const CHUNK = '{"id":"c","choices":[{"index":0,"delta":{"content":"hi"}}]}';

/**
 * Stream bodies as `postStream` hands them over (undici's dispatcher into a `DispatchedBody`), read by
 * the OpenAI stream reader from a real local server.
 */
describe('upstream stream bodies', () => {
  let respond: (res: ServerResponse<IncomingMessage>) => void;
  let upstream: TestUpstream;
  const client = new UpstreamHttpClient();

  beforeAll(async () => {
    initTelemetry();
    upstream = await startTestUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      respond(res);
    });
  });
  beforeEach(() => {
    upstream.requests.length = 0;
  });
  afterAll(async () => {
    await client.close();
    await upstream.close();
  });

  const call = (): UpstreamCall => ({
    url: `${upstream.url}/v1/chat/completions`,
    headers: {},
    body: { model: 'm', stream: true },
    timeoutMs: 2_000,
    signal: new AbortController().signal,
    allowPrivateNetwork: true,
    parseError: parseOpenAiError,
  });

  async function open(): Promise<DispatchedBody> {
    return (await client.postStream(call())).body as DispatchedBody;
  }

  async function readAll(body: DispatchedBody): Promise<(readonly string[])[]> {
    const batches: (readonly string[])[] = [];
    for await (const batch of openAiStreamChunks(body, { usage: null })) batches.push(batch);
    return batches;
  }

  it('reads a body to its end after [DONE] instead of cutting it (the connection is kept)', async () => {
    respond = (res) => res.end(`data: ${CHUNK}\n\ndata: [DONE]\n\n`);
    const body = await open();
    expect(await readAll(body)).toEqual([[CHUNK]]);
    await upstream.until((r) => r.length === 1);
    await waitFor(() => body.state !== 'open');
    expect(body.state).toBe('ended');
    expect(upstream.requests[0]?.aborted).toBe(false);
  });

  it('cuts a body the server keeps open after [DONE], a second later, without holding up the answer', async () => {
    let response: ServerResponse<IncomingMessage> | null = null;
    respond = (res) => {
      response = res;
      res.write(`data: ${CHUNK}\n\ndata: [DONE]\n\n`);
    };
    const body = await open();
    const started = Date.now();
    expect(await readAll(body)).toEqual([[CHUNK]]);
    expect(Date.now() - started).toBeLessThan(900);
    // What still comes is read and dropped, until the grace second is over.
    (response as ServerResponse<IncomingMessage> | null)?.write(': trailing bytes\n\n');
    expect(body.state).toBe('open');
    await upstream.until((r) => r[0]?.aborted === true, 3_000);
    expect(body.state).toBe('cut');
  });

  it('cuts the body when the consumer stops before the end (the upstream sees the request go away)', async () => {
    respond = (res) => res.write(`data: ${CHUNK}\n\n`);
    const body = await open();
    for await (const _batch of openAiStreamChunks(body, { usage: null })) break;
    expect(body.state).toBe('cut');
    await upstream.until((r) => r[0]?.aborted === true);
  });

  it('cuts the body on a malformed chunk', async () => {
    respond = (res) => res.write('data: {not json\n\n');
    const body = await open();
    await expect(readAll(body)).rejects.toMatchObject({ kind: 'server_error' });
    expect(body.state).toBe('cut');
    await upstream.until((r) => r[0]?.aborted === true);
  });

  it('fails the read as a cut connection when the server resets mid-stream', async () => {
    respond = (res) => {
      res.write(`data: ${CHUNK}\n\n`);
      setTimeout(() => res.destroy(), 20);
    };
    const body = await open();
    const batches: (readonly string[])[] = [];
    await expect(
      (async () => {
        for await (const batch of openAiStreamChunks(body, { usage: null })) batches.push(batch);
      })(),
    ).rejects.toMatchObject({ kind: 'connection_error' });
    expect(batches).toEqual([[CHUNK]]);
  });

  it('stops reading a connection its reader falls behind on, then delivers every byte in order', async () => {
    // 16 MiB in 1 KiB frames, written at once: more than the sockets' buffers hold.
    const frames = Array.from(
      { length: 16_384 },
      (_, i) => `data: {"n":${i},"pad":"${'x'.repeat(1000)}"}\n\n`,
    );
    let response: ServerResponse<IncomingMessage> | null = null;
    respond = (res) => {
      response = res;
      res.end(`${frames.join('')}data: [DONE]\n\n`);
    };
    const body = await open();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Unread, the body holds a little and the rest waits in the server: the connection is paused.
    expect((response as ServerResponse<IncomingMessage> | null)?.writableLength).toBeGreaterThan(
      8 * 1024 * 1024,
    );
    let next = 0;
    for await (const batch of openAiStreamChunks(body, { usage: null }))
      for (const chunk of batch) expect((JSON.parse(chunk) as { n: number }).n).toBe(next++);
    expect(next).toBe(frames.length);
    await waitFor(() => body.state !== 'open');
    expect(body.state).toBe('ended');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
