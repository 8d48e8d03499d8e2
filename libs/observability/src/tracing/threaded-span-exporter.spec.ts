import type { Span } from '@opentelemetry/api';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { ExportResultCode, TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { ThreadedSpanExporter, otlpProtocol } from './threaded-span-exporter';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** An OTLP/HTTP endpoint that keeps what it is sent. */
async function receiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A parent and a child span with everything OTLP carries: attributes, an event, a link, an error. */
function finishedSpans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'aigw-spec' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('aigw.spec', '1.2.3');
  const remote = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: 1,
    isRemote: true,
    traceState: new TraceState('vendor=value'),
  });
  const parent: Span = tracer.startSpan(
    'POST /v1/chat/completions',
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'POST' } },
    remote,
  );
  const child = tracer.startSpan(
    'chat gpt-4o-mini',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 12,
        'gen_ai.response.finish_reasons': ['stop'],
        'aigw.cache.hit': false,
      },
      links: [{ context: parent.spanContext(), attributes: { 'link.kind': 'retry' } }],
    },
    trace.setSpan(remote, parent),
  );
  child.addEvent('first token', { 'gen_ai.output.index': 0 });
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream 503' });
  child.end();
  parent.setAttribute('http.response.status_code', 503);
  parent.end();
  return memory.getFinishedSpans();
}

function exported(exporter: ThreadedSpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

type OtlpValue = {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  arrayValue?: unknown;
};
type OtlpSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  kind: number;
  flags: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Array<{ key: string; value: OtlpValue }>;
  events: Array<{ name: string; attributes: Array<{ key: string; value: OtlpValue }> }>;
  links: Array<{ traceId: string; spanId: string; traceState?: string }>;
  status: { code: number; message?: string };
};
type OtlpBody = {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: OtlpValue }> };
    scopeSpans: Array<{ scope: { name: string; version?: string }; spans: OtlpSpan[] }>;
  }>;
};

describe('ThreadedSpanExporter', () => {
  let sink: Awaited<ReturnType<typeof receiver>>;
  let exporter: ThreadedSpanExporter | null = null;

  beforeEach(async () => {
    sink = await receiver();
  });
  afterEach(async () => {
    await exporter?.shutdown().catch(() => undefined);
    exporter = null;
    await sink.close();
  });

  it('sends each span from its thread as OTLP/JSON with every field the main thread recorded', async () => {
    exporter = new ThreadedSpanExporter('http/json', { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url });
    const spans = finishedSpans();

    await expect(exported(exporter, spans)).resolves.toEqual({ code: ExportResultCode.SUCCESS });

    expect(sink.received).toHaveLength(1);
    expect(sink.received[0].headers['content-type']).toBe('application/json');
    const body = JSON.parse(sink.received[0].body.toString('utf8')) as OtlpBody;
    const [resourceSpans] = body.resourceSpans;
    expect(resourceSpans.resource.attributes).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'aigw-spec' },
    });
    const [scope] = resourceSpans.scopeSpans;
    expect(scope.scope).toMatchObject({ name: 'aigw.spec', version: '1.2.3' });
    const byName = new Map(scope.spans.map((s) => [s.name, s]));
    const parent = byName.get('POST /v1/chat/completions')!;
    const child = byName.get('chat gpt-4o-mini')!;
    const [childSpan, parentSpan] = spans;

    expect(parent).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: parentSpan.spanContext().spanId,
      parentSpanId: 'b7ad6b7169203331',
      traceState: 'vendor=value',
      kind: 2, // OTLP SERVER
      status: { code: 0 },
    });
    // The W3C sampled bit, with "has is-remote" and "is remote" set: the parent came from a caller.
    expect(parent.flags).toBe(0x301);
    expect(parent.attributes).toEqual(
      expect.arrayContaining([
        { key: 'http.request.method', value: { stringValue: 'POST' } },
        { key: 'http.response.status_code', value: { intValue: 503 } },
      ]),
    );
    expect(child).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: childSpan.spanContext().spanId,
      parentSpanId: parentSpan.spanContext().spanId,
      kind: 3, // OTLP CLIENT
      flags: 0x101,
      status: { code: 2, message: 'upstream 503' },
      events: [{ name: 'first token', attributes: [{ key: 'gen_ai.output.index', value: { intValue: 0 } }] }],
      links: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: parentSpan.spanContext().spanId }],
    });
    expect(child.attributes).toEqual(
      expect.arrayContaining([
        { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
        { key: 'gen_ai.usage.input_tokens', value: { intValue: 12 } },
        { key: 'aigw.cache.hit', value: { boolValue: false } },
        {
          key: 'gen_ai.response.finish_reasons',
          value: { arrayValue: { values: [{ stringValue: 'stop' }] } },
        },
      ]),
    );
    const nanos = (t: readonly [number, number]) => (BigInt(t[0]) * 1_000_000_000n + BigInt(t[1])).toString();
    expect(child.startTimeUnixNano).toBe(nanos(childSpan.startTime));
    expect(child.endTimeUnixNano).toBe(nanos(childSpan.endTime));
  });

  it('speaks OTLP/protobuf, the default protocol, to the endpoint the environment names', async () => {
    exporter = new ThreadedSpanExporter('http/protobuf', {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${sink.url}/custom`,
    });

    await expect(exported(exporter, finishedSpans())).resolves.toEqual({ code: ExportResultCode.SUCCESS });

    expect(sink.received).toHaveLength(1);
    expect(sink.received[0].headers['content-type']).toBe('application/x-protobuf');
    // The trace id travels as its 16 raw bytes.
    expect(sink.received[0].body.includes(Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex'))).toBe(true);
  });

  it('reports a failed export when the endpoint cannot be reached, and goes on exporting', async () => {
    const closed = await receiver();
    const unreachable = closed.url;
    await closed.close();
    exporter = new ThreadedSpanExporter('http/json', {
      OTEL_EXPORTER_OTLP_ENDPOINT: unreachable,
      OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
    });

    const result = await exported(exporter, finishedSpans());

    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toBeInstanceOf(Error);
    await expect(exporter.forceFlush()).resolves.toBeUndefined();
  });

  it('refuses exports and flushes once shut down', async () => {
    exporter = new ThreadedSpanExporter('http/json', { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url });
    const shutdown = exporter.shutdown();
    expect(exporter.shutdown()).toBe(shutdown);
    await shutdown;

    const result = await exported(exporter, finishedSpans());

    expect(result).toMatchObject({ code: ExportResultCode.FAILED });
    expect(result.error?.message).toMatch(/shut down/);
    await expect(exporter.forceFlush()).rejects.toThrow(/shut down/);
    expect(sink.received).toHaveLength(0);
  });
});

describe('otlpProtocol', () => {
  it.each([
    [{}, 'http/protobuf'],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, 'http/json'],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' }, 'grpc'],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'carrier-pigeon' }, null],
  ])('%j → %s', (env, protocol) => {
    expect(otlpProtocol(env)).toBe(protocol);
  });
});
