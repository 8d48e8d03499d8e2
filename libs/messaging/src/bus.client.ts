import type { ClientProxy } from '@nestjs/microservices';
import { GatewayError } from '@aigw/contracts';
import type { HeaderRecord } from '@aigw/observability';
import type { Observable } from 'rxjs';
import { catchError, defer, finalize, throwError, timeout } from 'rxjs';
import { busErrorToGatewayError } from './bus-errors';
import { BusRecord } from './bus-record';
import { recordSpanError, startConsumerSpan, startProducerSpan, traceErrors } from './bus-tracing';
import { InProcessClient } from './in-process/in-process.client';
import type { InProcessBroker } from './in-process/in-process.broker';
import { BusNatsClient } from './nats/bus-nats.client';
import type { UnaryTransport } from './unary-transport';
import { context } from '@opentelemetry/api';

/** A transport's client: Nest's ClientProxy (events, streams) with the unary fast path. */
export type BusClientProxy = ClientProxy & UnaryTransport;

export interface RequestOptions {
  /** Required: no bus call waits forever. */
  timeoutMs: number;
  /** Aborting gives up on the reply; on a stream it cancels the handler (see BusNatsServer). */
  signal?: AbortSignal;
  headers?: HeaderRecord;
}

export interface StreamOptions {
  /** Bound on the wait for the first message. */
  firstTimeoutMs: number;
  /** Bound on the gap between two messages. */
  idleTimeoutMs: number;
  headers?: HeaderRecord;
}

/**
 * Typed request/reply and streaming over whichever transport the process runs. Over NATS, adds a
 * producer span and the trace context to every message; in process, a message is a function call in
 * the caller's own context, so there is no hop to trace (the handler's spans are the caller's children).
 * Bounds every call with a timeout, and turns every failure into a GatewayError: no subscriber → 503
 * `service_unavailable`, no reply in time → 504 `service_timeout`.
 */
export class BusClient {
  /** Messages cross processes (NATS), so each gets a producer span; in process they are calls. */
  private readonly traced: boolean;

  constructor(private readonly proxy: BusClientProxy) {
    this.traced = !(proxy instanceof InProcessClient);
  }

  connect(): Promise<unknown> {
    return this.proxy.connect() as Promise<unknown>;
  }

  async close(): Promise<void> {
    await this.proxy.close();
  }

  request<TReply>(subject: string, payload: unknown, options: RequestOptions): Promise<TReply> {
    const { signal } = options;
    if (signal?.aborted)
      return Promise.reject(new GatewayError('service_unavailable', 'The request was aborted.'));
    const headers = options.headers ? { ...options.headers } : {};
    const producer = this.traced ? startProducerSpan(subject, 'request', headers) : null;
    return new Promise<TReply>((resolve, reject) => {
      let settled = false;
      const settle = (error: unknown, response?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        giveUp();
        if (error === null) {
          producer?.span.end();
          return resolve(response as TReply);
        }
        const failure = busErrorToGatewayError(error, subject);
        if (producer) {
          recordSpanError(producer.span, failure);
          producer.span.end();
        }
        reject(failure);
      };
      const onAbort = () => settle(new GatewayError('service_unavailable', 'The request was aborted.'));
      const timer = setTimeout(() => settle(this.timeoutError(subject)), options.timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      // Last: an in-process handler may answer before this returns.
      let giveUp: () => void = () => undefined;
      giveUp = this.proxy.requestOnce(subject, payload, producer?.headers ?? headers, settle);
      if (settled) giveUp();
    });
  }

  /** A cold Observable of the replies; unsubscribing cancels the remote handler. */
  stream<TEvent>(subject: string, payload: unknown, options: StreamOptions): Observable<TEvent> {
    return this.send<TEvent>(subject, payload, options.headers).pipe(
      timeout({
        first: options.firstTimeoutMs,
        each: options.idleTimeoutMs,
        with: () => throwError(() => this.timeoutError(subject)),
      }),
      catchError((error: unknown) => throwError(() => busErrorToGatewayError(error, subject))),
    );
  }

  async emit(subject: string, payload: unknown): Promise<void> {
    const producer = this.traced ? startProducerSpan(subject, 'publish', {}) : null;
    try {
      await new Promise<void>((resolve, reject) => {
        this.proxy
          .emit(subject, new BusRecord(payload, producer?.headers ?? {}))
          .subscribe({ complete: resolve, error: reject });
      });
    } catch (error) {
      if (producer) recordSpanError(producer.span, error);
      throw error;
    } finally {
      producer?.span.end();
    }
  }

  /**
   * Every event of `subject`, in every subscriber: no queue group, so each replica hears it (what a
   * broadcast such as `config.changed` needs; handlers that share work use a service's queue group).
   * Over NATS the handler runs in a consumer span continuing the publisher's trace; in process, in the
   * publisher's context. Call after `connect()`.
   */
  subscribe(subject: string, handler: (payload: unknown) => void): () => void {
    if (this.proxy instanceof InProcessClient)
      return this.proxy.unwrap<InProcessBroker>().listen(subject, (data) => {
        try {
          handler(data);
        } catch {
          // As over NATS: a listener's failure is its own (it is not the publisher's to see).
        }
      });
    const run = (data: unknown, headers: HeaderRecord) => {
      const consumer = startConsumerSpan(subject, headers);
      try {
        context.with(consumer.context, () => handler(data));
      } catch (error) {
        recordSpanError(consumer.span, error);
      } finally {
        consumer.span.end();
      }
    };
    if (this.proxy instanceof BusNatsClient) return this.proxy.listen(subject, run);
    throw new Error('This transport has no broadcast subscriptions.');
  }

  /** Calls `listener` each time the connection comes back after it was lost (NATS reconnects). */
  onReconnect(listener: () => void): () => void {
    let lost = false;
    const subscription = this.proxy.status.subscribe((status) => {
      if (status === 'disconnected' || status === 'reconnecting') lost = true;
      else if (status === 'connected' && lost) {
        lost = false;
        listener();
      }
    });
    return () => subscription.unsubscribe();
  }

  /** Cold: the producer span starts when the caller subscribes, in the caller's trace context. */
  private send<T>(subject: string, payload: unknown, headers: HeaderRecord = {}): Observable<T> {
    if (this.proxy instanceof InProcessClient)
      return this.proxy.stream(subject, payload, headers) as Observable<T>;
    return defer(() => {
      const producer = startProducerSpan(subject, 'request', { ...headers });
      return this.proxy.send<T>(subject, new BusRecord(payload, producer.headers)).pipe(
        traceErrors(producer.span),
        finalize(() => producer.span.end()),
      );
    });
  }

  private timeoutError(subject: string): GatewayError {
    return new GatewayError('service_timeout', `No reply on ${subject} in time.`);
  }
}
