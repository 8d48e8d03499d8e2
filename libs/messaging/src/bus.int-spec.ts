import { Controller, Module, UsePipes } from '@nestjs/common';
import type { INestMicroservice, PipeTransform } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { GatewayError, Subjects } from '@aigw/contracts';
import { extractTraceContext, initTelemetry } from '@aigw/observability';
import { context, propagation, trace } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { Observable, lastValueFrom, toArray } from 'rxjs';
import type { BusTransport } from './bus-transport';
import { createClientProxy, inProcessTransport } from './bus-transport';
import { BusClient } from './bus.client';
import { startBusService } from './start-bus-service';

const NATS_URL = 'nats://127.0.0.1:4222';
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** Test handlers: echo, a failure of each kind, a stream and a stream that records its cancellation. */
class Probe {
  static cancelled = new Set<string>();
  static seenTraceIds: string[] = [];
}

@Controller()
class ProbeController {
  @MessagePattern(Subjects.router.chat)
  echo(payload: { n: number }): { n: number; traceId: string | null } {
    const span = trace.getSpanContext(context.active());
    return { n: payload.n * 2, traceId: span?.traceId ?? null };
  }

  @MessagePattern(Subjects.router.completions)
  fail(payload: { kind: string }): never {
    if (payload.kind === 'typed')
      throw new GatewayError('rate_limit_exceeded', 'slow down', { retryAfterMs: 1500 });
    throw new Error('secret internal detail');
  }

  @MessagePattern(Subjects.router.chatStream)
  stream(payload: { id: string; count: number; forever?: boolean }): Observable<{ i: number }> {
    return new Observable((subscriber) => {
      let i = 0;
      const timer = setInterval(() => {
        subscriber.next({ i: i++ });
        if (!payload.forever && i === payload.count) {
          clearInterval(timer);
          subscriber.complete();
        }
      }, 5);
      return () => {
        clearInterval(timer);
        if (payload.forever) Probe.cancelled.add(payload.id);
      };
    });
  }

  @MessagePattern(Subjects.router.embeddings)
  async slow(): Promise<string> {
    return new Promise(() => undefined); // never answers
  }
}

/** Doubles `n`: a handler with a pipe keeps Nest's RPC path (it is not called directly). */
class DoublingPipe implements PipeTransform<{ n: number }, { n: number }> {
  transform(value: { n: number }): { n: number } {
    return { n: value.n * 2 };
  }
}

@Controller()
class NestPathController {
  @MessagePattern(Subjects.router.state)
  @UsePipes(DoublingPipe)
  piped(@Payload() payload: { n: number }): number {
    return payload.n;
  }

  @MessagePattern(Subjects.memory.load)
  withContext(@Payload() payload: { n: number }, @Ctx() ctx: { getArgs(): unknown[] }): [number, unknown] {
    return [payload.n, ctx.getArgs()[0]];
  }

  @MessagePattern(Subjects.metrics.summary)
  failsOnNestPath(): never {
    throw new Error('secret on the Nest path');
  }
}

@Module({ controllers: [ProbeController, NestPathController] })
class ProbeModule {}

async function until(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const transports: Array<[string, () => BusTransport]> = [
  ['in-process', () => inProcessTransport()],
  ['nats', () => ({ kind: 'nats', url: NATS_URL, namespace: `test-${randomUUID().slice(0, 8)}` })],
];

describe.each(transports)('the message bus over %s', (_name, makeTransport) => {
  let transport: BusTransport;
  let service: INestMicroservice;
  let bus: BusClient;

  beforeAll(async () => {
    initTelemetry();
    transport = makeTransport();
    service = await startBusService({
      service: 'router',
      module: { module: ProbeModule },
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

  it('answers a request and carries the W3C trace context into the handler', async () => {
    const ctx = extractTraceContext({ traceparent: TRACEPARENT });
    const reply = await context.with(ctx, () =>
      bus.request<{ n: number; traceId: string }>(Subjects.router.chat, { n: 21 }, { timeoutMs: 2000 }),
    );
    expect(reply).toEqual({ n: 42, traceId: '0af7651916cd43dd8448eb211c80319c' });
    expect(propagation.fields()).toContain('traceparent');
  });

  it('gives each of many concurrent requests and streams its own replies', async () => {
    const requests = Array.from({ length: 50 }, (_, n) =>
      bus.request<{ n: number }>(Subjects.router.chat, { n }, { timeoutMs: 5000 }),
    );
    const streams = Array.from({ length: 10 }, (_, count) =>
      lastValueFrom(
        bus
          .stream<{ i: number }>(
            Subjects.router.chatStream,
            { id: `s${count}`, count: count + 1 },
            { firstTimeoutMs: 5000, idleTimeoutMs: 5000 },
          )
          .pipe(toArray()),
      ),
    );
    const replies = await Promise.all(requests);
    expect(replies.map((r) => r.n)).toEqual(Array.from({ length: 50 }, (_, n) => n * 2));
    const streamed = await Promise.all(streams);
    expect(streamed.map((events) => events.length)).toEqual(Array.from({ length: 10 }, (_, c) => c + 1));
  });

  it('answers the shared health subject', async () => {
    const reply = await bus.request<{ service: string; status: string }>(
      Subjects.router.health,
      {},
      { timeoutMs: 2000 },
    );
    expect(reply).toMatchObject({ service: 'router', status: 'ok', configVersion: 'test' });
  });

  it('passes typed errors through with their code and hides untyped ones', async () => {
    await expect(
      bus.request(Subjects.router.completions, { kind: 'typed' }, { timeoutMs: 2000 }),
    ).rejects.toMatchObject({
      code: 'rate_limit_exceeded',
      status: 429,
      retryAfterMs: 1500,
    });
    const opaque = bus.request(Subjects.router.completions, { kind: 'untyped' }, { timeoutMs: 2000 });
    await expect(opaque).rejects.toMatchObject({ code: 'internal_error', status: 500 });
    const hidden = (await opaque.catch((e: unknown) => e)) as Error;
    expect(hidden.message).not.toContain('secret');
  });

  it("keeps Nest's pipeline for a handler with a pipe or a context parameter, with the same errors", async () => {
    expect(await bus.request(Subjects.router.state, { n: 4 }, { timeoutMs: 2000 })).toBe(8);
    const [n, subject] = await bus.request<[number, string]>(
      Subjects.memory.load,
      { n: 3 },
      { timeoutMs: 2000 },
    );
    expect(n).toBe(3);
    expect(subject).toContain(Subjects.memory.load);
    const opaque = bus.request(Subjects.metrics.summary, {}, { timeoutMs: 2000 });
    await expect(opaque).rejects.toMatchObject({ code: 'internal_error', status: 500 });
    expect(((await opaque.catch((e: unknown) => e)) as Error).message).not.toContain('secret');
  });

  it('turns a missing subscriber into 503 and a silent one into 504', async () => {
    await expect(bus.request(Subjects.cache.health, {}, { timeoutMs: 2000 })).rejects.toMatchObject({
      code: 'service_unavailable',
      status: 503,
    });
    await expect(bus.request(Subjects.router.embeddings, {}, { timeoutMs: 150 })).rejects.toMatchObject({
      code: 'service_timeout',
      status: 504,
    });
  });

  it("gives up on a reply when the caller aborts, and answers a request with a stream handler's first message", async () => {
    const controller = new AbortController();
    const waiting = bus.request(
      Subjects.router.embeddings,
      {},
      { timeoutMs: 5000, signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 20);
    await expect(waiting).rejects.toMatchObject({
      code: 'service_unavailable',
      message: 'The request was aborted.',
    });
    await expect(
      bus.request(Subjects.router.chat, { n: 1 }, { timeoutMs: 2000, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'service_unavailable' });
    const first = await bus.request<{ i: number }>(
      Subjects.router.chatStream,
      { id: 'first', count: 3 },
      { timeoutMs: 2000 },
    );
    expect(first).toEqual({ i: 0 });
  });

  it('streams every message in order', async () => {
    const events = await lastValueFrom(
      bus
        .stream<{ i: number }>(
          Subjects.router.chatStream,
          { id: 'a', count: 5 },
          { firstTimeoutMs: 2000, idleTimeoutMs: 2000 },
        )
        .pipe(toArray()),
    );
    expect(events.map((e) => e.i)).toEqual([0, 1, 2, 3, 4]);
  });

  it('cancels the remote handler when the consumer unsubscribes', async () => {
    const id = randomUUID();
    let received = 0;
    const subscription = bus
      .stream<{ i: number }>(
        Subjects.router.chatStream,
        { id, count: 0, forever: true },
        { firstTimeoutMs: 2000, idleTimeoutMs: 2000 },
      )
      .subscribe(() => received++);
    await until(() => received >= 2);
    subscription.unsubscribe();
    await until(() => Probe.cancelled.has(id), 1000);
  });
});
