import type { CustomTransportStrategy } from '@nestjs/microservices';
import type { MessageHandler } from '@nestjs/microservices';
import { BaseRpcContext, Server } from '@nestjs/microservices';
import type { HeaderRecord } from '@aigw/observability';
import { context } from '@opentelemetry/api';
import { Observable, firstValueFrom, isObservable } from 'rxjs';
import { recordSpanError, startConsumerSpan, traceErrors } from '../bus-tracing';
import type { DirectHandlers } from '../direct-handlers';
import { callDirect } from '../direct-handlers';
import type { InProcessBroker, InProcessEndpoint } from './in-process.broker';

/** Per-transport context, like NatsContext: the subject and the headers of the message. */
export class InProcessContext extends BaseRpcContext<[string, HeaderRecord]> {
  getSubject(): string {
    return this.args[0];
  }
  getHeaders(): HeaderRecord {
    return this.args[1];
  }
}

/**
 * The in-process strategy: registers this service's handlers with the broker. A request's Observable is
 * the handler's own, so a client that unsubscribes runs the handler's teardown directly — the same
 * cancellation semantics as the NATS transport's `<reply>.cancel`.
 */
export class InProcessServer extends Server implements CustomTransportStrategy, InProcessEndpoint {
  private unregister: (() => void) | null = null;

  constructor(
    private readonly broker: InProcessBroker,
    private readonly direct: DirectHandlers,
  ) {
    super();
  }

  listen(callback: () => void): void {
    this.unregister = this.broker.register(this);
    callback();
  }

  close(): void {
    this.unregister?.();
    this.unregister = null;
  }

  on(): never {
    throw new Error('The in-process transport has no status events.');
  }

  unwrap<T>(): T {
    return this.broker as T;
  }

  /**
   * Subjects are plain strings, so the handler map is read directly: Nest's `getHandlerByPattern` first
   * tries `JSON.parse` on the subject, which throws (and builds a stack trace) for every message.
   */
  override getHandlerByPattern(pattern: string): MessageHandler | null {
    return this.messageHandlers.get(pattern) ?? super.getHandlerByPattern(pattern);
  }

  handlesRequest(subject: string): boolean {
    const handler = this.getHandlerByPattern(subject);
    return handler !== null && !handler.isEventHandler;
  }

  request(subject: string, data: unknown, headers: HeaderRecord): Observable<unknown> {
    return new Observable<unknown>((subscriber) => {
      const consumer = startConsumerSpan('in_process', subject, headers);
      return context.with(consumer.context, () => {
        const handler = this.getHandlerByPattern(subject);
        if (!handler) {
          consumer.span.end();
          throw new Error(`no handler for ${subject}`);
        }
        const ctx = new InProcessContext([subject, headers]);
        let inner: { unsubscribe(): void } | undefined;
        let cancelled = false;
        handler(data, ctx).then(
          (result: unknown) => {
            if (cancelled) return;
            inner = this.transformToObservable(result).pipe(traceErrors(consumer.span)).subscribe(subscriber);
          },
          (error: unknown) => {
            recordSpanError(consumer.span, error);
            subscriber.error(error);
          },
        );
        // Runs once the reply completed, errored, or the client unsubscribed (cancellation).
        return () => {
          cancelled = true;
          inner?.unsubscribe();
          consumer.span.end();
        };
      });
    });
  }

  /**
   * A request/reply call: the handler's reply without an Observable around it (Nest's handler resolves
   * to the plain value of an async method; an Observable only for stream handlers and for errors, which
   * the exception filter turns into a failing Observable).
   */
  async call(subject: string, data: unknown, headers: HeaderRecord): Promise<unknown> {
    const consumer = startConsumerSpan('in_process', subject, headers);
    try {
      const direct = this.direct.get(subject);
      if (direct !== undefined) return await context.with(consumer.context, () => callDirect(direct, data));
      return await context.with(consumer.context, async () => {
        const handler = this.getHandlerByPattern(subject);
        if (!handler) throw new Error(`no handler for ${subject}`);
        const result: unknown = await handler(data, new InProcessContext([subject, headers]));
        return isObservable(result) ? await firstValueFrom(result) : await result;
      });
    } catch (error) {
      recordSpanError(consumer.span, error);
      throw error;
    } finally {
      consumer.span.end();
    }
  }

  async event(subject: string, data: unknown, headers: HeaderRecord): Promise<void> {
    const handler = this.getHandlerByPattern(subject);
    if (!handler?.isEventHandler) return;
    const consumer = startConsumerSpan('in_process', subject, headers);
    try {
      await context.with(consumer.context, () =>
        this.handleEvent(subject, { pattern: subject, data }, new InProcessContext([subject, headers])),
      );
    } catch (error) {
      recordSpanError(consumer.span, error);
      throw error;
    } finally {
      consumer.span.end();
    }
  }
}
