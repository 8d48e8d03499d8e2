import { Controller, Module } from '@nestjs/common';
import type { INestMicroservice } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { GatewayError, Subjects } from '@aigw/contracts';
import { initTelemetry } from '@aigw/observability';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { randomUUID } from 'node:crypto';
import type { Observable } from 'rxjs';
import { interval, lastValueFrom, map, take, toArray } from 'rxjs';
import type { BusTransport } from './bus-transport';
import { createClientProxy, inProcessTransport } from './bus-transport';
import { BusClient } from './bus.client';
import { startBusService } from './start-bus-service';

const exporter = new InMemorySpanExporter();

@Controller()
class TracedController {
  /** Replies with the span the handler ran in. */
  @MessagePattern(Subjects.router.chat)
  echo(): { spanId: string | null } {
    return { spanId: trace.getActiveSpan()?.spanContext().spanId ?? null };
  }

  @MessagePattern(Subjects.router.completions)
  fail(): never {
    throw new GatewayError('rate_limit_exceeded', 'slow down');
  }

  @MessagePattern(Subjects.router.chatStream)
  stream(payload: { count: number }): Observable<{ i: number }> {
    return interval(5).pipe(
      take(payload.count),
      map((i) => ({ i })),
    );
  }
}

@Module({ controllers: [TracedController] })
class TracedModule {}

async function until(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const natsTransport = (): BusTransport => ({
  kind: 'nats',
  url: 'nats://127.0.0.1:4222',
  namespace: `t-${randomUUID().slice(0, 8)}`,
});

beforeAll(() => {
  initTelemetry();
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
});

const tracer = trace.getTracer('spec');

/** The router's handlers on `makeTransport`, and a client of it. */
function serviceOn(makeTransport: () => BusTransport): { bus: () => BusClient } {
  let service: INestMicroservice;
  let bus: BusClient;
  beforeAll(async () => {
    const transport = makeTransport();
    service = await startBusService({
      service: 'router',
      module: { module: TracedModule },
      transport,
      configVersion: () => 'test',
      logger: false,
    });
    bus = new BusClient(createClientProxy('test-client', transport));
    await bus.connect();
  });
  afterAll(async () => {
    await bus.close();
    await service.close();
  });
  beforeEach(() => exporter.reset());
  return { bus: () => bus };
}

/** Runs `fn` under a fresh root span; returns the finished spans of its trace once `done` says so. */
async function traced(
  fn: () => Promise<unknown>,
  done: (spans: ReadableSpan[]) => boolean,
): Promise<{ root: string; spans: ReadableSpan[] }> {
  const root = tracer.startSpan('root');
  await context.with(trace.setSpan(context.active(), root), fn).catch(() => undefined);
  root.end();
  const traceId = root.spanContext().traceId;
  const ofTrace = () => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  await until(() => done(ofTrace()));
  return { root: root.spanContext().spanId, spans: ofTrace() };
}

const byKind = (spans: ReadableSpan[], kind: SpanKind) => spans.find((s) => s.kind === kind);

describe('bus spans over nats', () => {
  const { bus: client } = serviceOn(natsTransport);
  let bus: BusClient;
  beforeAll(() => (bus = client()));

  it('makes a producer span per request and a consumer span, its child, active in the handler', async () => {
    let reply: { spanId: string | null } = { spanId: null };
    const { root, spans } = await traced(
      async () => {
        reply = await bus.request(Subjects.router.chat, {}, { timeoutMs: 2000 });
      },
      (found) => found.length === 3,
    );
    const producer = byKind(spans, SpanKind.PRODUCER);
    const consumer = byKind(spans, SpanKind.CONSUMER);
    expect(producer?.name).toBe('send router.v1.chat');
    expect(producer?.parentSpanContext?.spanId).toBe(root);
    expect(producer?.attributes).toEqual({
      'messaging.system': 'nats',
      'messaging.destination.name': 'router.v1.chat',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'request',
    });
    expect(consumer?.name).toBe('process router.v1.chat');
    expect(consumer?.parentSpanContext?.spanId).toBe(producer?.spanContext().spanId);
    expect(consumer?.attributes['messaging.operation.type']).toBe('process');
    expect(reply.spanId).toBe(consumer?.spanContext().spanId);
  });

  it('marks both spans failed with the error code when the handler throws', async () => {
    const { spans } = await traced(
      () => bus.request(Subjects.router.completions, {}, { timeoutMs: 2000 }),
      (found) => found.length === 3,
    );
    for (const kind of [SpanKind.PRODUCER, SpanKind.CONSUMER]) {
      const span = byKind(spans, kind);
      expect([span?.status.code, span?.attributes['error.type']]).toEqual([
        SpanStatusCode.ERROR,
        'rate_limit_exceeded',
      ]);
    }
  });

  it('keeps a stream’s spans open until its last message', async () => {
    let received: Array<{ i: number }> = [];
    let consumerEndedAfterLast = false;
    const { spans } = await traced(
      async () => {
        received = await lastValueFrom(
          bus
            .stream<{ i: number }>(
              Subjects.router.chatStream,
              { count: 4 },
              { firstTimeoutMs: 2000, idleTimeoutMs: 2000 },
            )
            .pipe(toArray()),
        );
        consumerEndedAfterLast = true;
      },
      (found) => found.length === 3,
    );
    expect(received).toHaveLength(4);
    expect(consumerEndedAfterLast).toBe(true);
    const consumer = byKind(spans, SpanKind.CONSUMER);
    const producer = byKind(spans, SpanKind.PRODUCER);
    // The handler's stream took at least four 5 ms ticks: the consumer span covers it.
    const ms = (span?: ReadableSpan) => (span ? span.duration[0] * 1e3 + span.duration[1] / 1e6 : 0);
    expect(ms(consumer)).toBeGreaterThanOrEqual(15);
    expect(ms(producer)).toBeGreaterThanOrEqual(ms(consumer) - 1);
  });

  it('makes a producer span of an event', async () => {
    const { spans } = await traced(
      () => bus.emit('requests.logged', { kind: 'access' }),
      (found) => found.some((s) => s.kind === SpanKind.PRODUCER),
    );
    expect(byKind(spans, SpanKind.PRODUCER)?.attributes['messaging.operation.name']).toBe('publish');
  });
});

describe('bus calls in process', () => {
  const { bus: client } = serviceOn(inProcessTransport);

  it('adds no messaging span: the handler runs in the caller’s span, and a failure reaches the caller', async () => {
    let reply: { spanId: string | null } = { spanId: null };
    let failure: unknown = null;
    const { root, spans } = await traced(
      async () => {
        reply = await client().request(Subjects.router.chat, {}, { timeoutMs: 2000 });
        failure = await client()
          .request(Subjects.router.completions, {}, { timeoutMs: 2000 })
          .catch((error: unknown) => error);
        await lastValueFrom(
          client().stream(
            Subjects.router.chatStream,
            { count: 2 },
            { firstTimeoutMs: 2000, idleTimeoutMs: 2000 },
          ),
        );
        await client().emit('requests.logged', { kind: 'access' });
      },
      (found) => found.length >= 1,
    );
    expect(reply.spanId).toBe(root);
    expect(failure).toMatchObject({ code: 'rate_limit_exceeded' });
    expect(spans.map((s) => s.name)).toEqual(['root']);
  });
});
