import type { CustomTransportStrategy } from '@nestjs/microservices';
import type { MessageHandler } from '@nestjs/microservices';
import { BaseRpcContext, Server } from '@nestjs/microservices';
import type { HeaderRecord } from '@aigw/observability';
import { Observable, defer, firstValueFrom, from, isObservable, mergeMap, of, throwError } from 'rxjs';
import type { DirectHandlers } from '../direct-handlers';
import { answerDirect, callDirect } from '../direct-handlers';
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
 * cancellation semantics as the NATS transport's `<reply>.cancel`. Handlers run in the caller's context:
 * their spans are children of the caller's (no messaging spans: nothing crosses a process).
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
    const direct = this.direct.get(subject);
    if (direct !== undefined)
      return defer(() => {
        const answer = answerDirect(direct, data);
        if (isObservable(answer)) return answer;
        return from(answer).pipe(
          mergeMap((reply) => ('err' in reply ? throwError(() => reply.err) : of(reply.response))),
        );
      });
    return new Observable<unknown>((subscriber) => {
      const handler = this.getHandlerByPattern(subject);
      if (!handler) throw new Error(`no handler for ${subject}`);
      let inner: { unsubscribe(): void } | undefined;
      let cancelled = false;
      handler(data, new InProcessContext([subject, headers])).then(
        (result: unknown) => {
          if (cancelled) return;
          inner = this.transformToObservable(result).subscribe(subscriber);
        },
        (error: unknown) => subscriber.error(error),
      );
      // Runs once the reply completed, errored, or the client unsubscribed (cancellation).
      return () => {
        cancelled = true;
        inner?.unsubscribe();
      };
    });
  }

  /**
   * A request/reply call: the handler's reply without an Observable around it (Nest's handler resolves
   * to the plain value of an async method; an Observable only for stream handlers and for errors, which
   * the exception filter turns into a failing Observable).
   */
  call(subject: string, data: unknown, headers: HeaderRecord): Promise<unknown> {
    const direct = this.direct.get(subject);
    return direct !== undefined ? callDirect(direct, data) : this.#callNest(subject, data, headers);
  }

  async #callNest(subject: string, data: unknown, headers: HeaderRecord): Promise<unknown> {
    const handler = this.getHandlerByPattern(subject);
    if (!handler) throw new Error(`no handler for ${subject}`);
    const result: unknown = await handler(data, new InProcessContext([subject, headers]));
    return isObservable(result) ? await firstValueFrom(result) : await result;
  }

  async event(subject: string, data: unknown, headers: HeaderRecord): Promise<void> {
    const handler = this.getHandlerByPattern(subject);
    if (!handler?.isEventHandler) return;
    await this.handleEvent(subject, { pattern: subject, data }, new InProcessContext([subject, headers]));
  }
}
